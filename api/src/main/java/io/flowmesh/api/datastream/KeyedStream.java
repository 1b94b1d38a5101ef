package io.flowmesh.api.datastream;

import io.flowmesh.api.dag.OperatorKind;
import io.flowmesh.api.dag.PartitionTransformation;
import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.functions.ReduceFunction;
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

    /** A running reduce per key: after every record, emits the key's reduced value so far. */
    public SingleOutputStreamOperator<T> reduce(ReduceFunction<T> reducer) {
        return oneInput("Keyed Reduce", OperatorKind.KEYED_REDUCE, Objects.requireNonNull(reducer, "reduce function"), keySelector);
    }
}
