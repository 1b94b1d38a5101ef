package io.flowmesh.api.tuple;

import java.io.Serializable;
import java.util.Objects;

/** A pair with public fields, as Flink's {@code Tuple2}. Mutable on purpose: fields may be reused. */
public final class Tuple2<T0, T1> implements Serializable {
    private static final long serialVersionUID = 1L;

    public T0 f0;
    public T1 f1;

    public Tuple2() {}

    public Tuple2(T0 f0, T1 f1) {
        this.f0 = f0;
        this.f1 = f1;
    }

    public static <T0, T1> Tuple2<T0, T1> of(T0 f0, T1 f1) {
        return new Tuple2<>(f0, f1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tuple2<?, ?> t && Objects.equals(f0, t.f0) && Objects.equals(f1, t.f1);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hashCode(f0) + Objects.hashCode(f1);
    }

    @Override
    public String toString() {
        return "(" + f0 + "," + f1 + ")";
    }
}
