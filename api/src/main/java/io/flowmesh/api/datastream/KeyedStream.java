package io.flowmesh.api.datastream;

import io.flowmesh.api.dag.OperatorKind;
import io.flowmesh.api.dag.PartitionTransformation;
import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.functions.ReduceFunction;
import io.flowmesh.api.functions.KeyedProcessFunction;
import io.flowmesh.api.windowing.assigners.WindowAssigner;
import io.flowmesh.api.windowing.windows.Window;
import java.util.Objects;

/** A stream partitioned by key: its operators see each key's records on one subtask, with per-key state. */
public class KeyedStream<T, K> extends DataStream<T> {
    private final KeySelector<T, K> keySelector;

    public KeyedStream(StreamExecutionEnvironment environment, PartitionTransformation<T> transformation,
            KeySelector<T, K> keySelector) {
        super(environment, transformation);
        this.keySelector = keySelector;
    }

    public KeySelector<T, K> getKeySelector() {
        return keySelector;
    }

    /** Keyed state, timers and side outputs per record, as Flink's {@code KeyedStream.process}. */
    public <R> SingleOutputStreamOperator<R> process(KeyedProcessFunction<K, T, R> function) {
        return oneInput("Keyed Process", OperatorKind.KEYED_PROCESS, Objects.requireNonNull(function, "keyed process function"), keySelector);
    }

    /** Groups each key's records into windows. */
    public <W extends Window> WindowedStream<T, K, W> window(WindowAssigner<? super T, W> assigner) {
        return new WindowedStream<>(this, Objects.requireNonNull(assigner, "window assigner"));
    }

    /** A running sum per key of tuple field {@code field} (0 or 1 of a Tuple2 of numbers); the other field is the first record's. */
    public SingleOutputStreamOperator<T> sum(int field) {
        return reduce(new TupleFieldAggregation<>(field, TupleFieldAggregation.Op.SUM)).name("Keyed Sum(" + field + ")");
    }

    /** A running minimum per key of tuple field {@code field}; the other field is the first record's, as Flink's {@code min}. */
    public SingleOutputStreamOperator<T> min(int field) {
        return reduce(new TupleFieldAggregation<>(field, TupleFieldAggregation.Op.MIN)).name("Keyed Min(" + field + ")");
    }

    /** A running maximum per key of tuple field {@code field}; the other field is the first record's, as Flink's {@code max}. */
    public SingleOutputStreamOperator<T> max(int field) {
        return reduce(new TupleFieldAggregation<>(field, TupleFieldAggregation.Op.MAX)).name("Keyed Max(" + field + ")");
    }

    /** Aggregates field {@code field} of {@code Tuple2}s of boxed numbers (Long, Integer, Double). */
    public record TupleFieldAggregation<T>(int field, Op op) implements ReduceFunction<T> {
        /** The aggregation. */
        public enum Op { SUM, MIN, MAX }

        public TupleFieldAggregation {
            if (field < 0 || field > 1) {
                throw new IllegalArgumentException(op.name().toLowerCase(java.util.Locale.ROOT) + ": field must be 0 or 1 of a Tuple2, was " + field);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public T reduce(T a, T b) {
            if (!(a instanceof io.flowmesh.api.tuple.Tuple2<?, ?> x) || !(b instanceof io.flowmesh.api.tuple.Tuple2<?, ?> y)) {
                throw new IllegalArgumentException(op + "(" + field + ") needs Tuple2 records, got " + a.getClass().getName());
            }
            Object r = combine(field == 0 ? x.f0 : x.f1, field == 0 ? y.f0 : y.f1);
            return (T) (field == 0 ? io.flowmesh.api.tuple.Tuple2.of(r, x.f1) : io.flowmesh.api.tuple.Tuple2.of(x.f0, r));
        }

        private Object combine(Object a, Object b) {
            if (a instanceof Long l) {
                long v = ((Number) b).longValue();
                return op == Op.SUM ? l + v : op == Op.MIN ? Math.min(l, v) : Math.max(l, v);
            } else if (a instanceof Integer i) {
                int v = ((Number) b).intValue();
                return op == Op.SUM ? i + v : op == Op.MIN ? Math.min(i, v) : Math.max(i, v);
            } else if (a instanceof Double d) {
                double v = ((Number) b).doubleValue();
                return op == Op.SUM ? d + v : op == Op.MIN ? Math.min(d, v) : Math.max(d, v);
            }
            throw new IllegalArgumentException(op + ": cannot aggregate values of type " + a.getClass().getName());
        }
    }

    /** A running reduce per key: after every record, emits the key's reduced value so far. */
    public SingleOutputStreamOperator<T> reduce(ReduceFunction<T> reducer) {
        return oneInput("Keyed Reduce", OperatorKind.KEYED_REDUCE, Objects.requireNonNull(reducer, "reduce function"), keySelector);
    }
}
