package io.flowmesh.api.dag;

import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.KeySelector;
import java.util.List;

/** An operator over two connected streams; for keyed kinds both inputs are keyed. */
public final class TwoInputTransformation<IN1, IN2, OUT> extends Transformation<OUT> {

    /** What the runtime runs. */
    public enum Kind {
        CO_MAP, CO_FLAT_MAP, CO_PROCESS, KEYED_CO_PROCESS;

        public boolean isKeyed() {
            return this == KEYED_CO_PROCESS;
        }
    }

    private final Transformation<IN1> input1;
    private final Transformation<IN2> input2;
    private final Kind kind;
    private final Function function;
    private final KeySelector<IN1, ?> keySelector1;
    private final KeySelector<IN2, ?> keySelector2;

    public TwoInputTransformation(int id, String name, Transformation<IN1> input1, Transformation<IN2> input2, Kind kind, Function function,
            KeySelector<IN1, ?> keySelector1, KeySelector<IN2, ?> keySelector2) {
        super(id, name);
        if (kind.isKeyed() && (keySelector1 == null || keySelector2 == null)) {
            throw new IllegalArgumentException(kind + " needs both inputs keyed (connect(...).keyBy(key1, key2))");
        }
        this.input1 = input1;
        this.input2 = input2;
        this.kind = kind;
        this.function = function;
        this.keySelector1 = keySelector1;
        this.keySelector2 = keySelector2;
    }

    public Transformation<IN1> input1() {
        return input1;
    }

    public Transformation<IN2> input2() {
        return input2;
    }

    public Kind kind() {
        return kind;
    }

    public Function function() {
        return function;
    }

    public KeySelector<IN1, ?> keySelector1() {
        return keySelector1;
    }

    public KeySelector<IN2, ?> keySelector2() {
        return keySelector2;
    }

    @Override
    public List<Transformation<?>> inputs() {
        return List.of(input1, input2);
    }
}
