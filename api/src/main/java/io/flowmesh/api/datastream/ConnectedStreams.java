package io.flowmesh.api.datastream;

import io.flowmesh.api.dag.PartitionTransformation;
import io.flowmesh.api.dag.PartitionerKind;
import io.flowmesh.api.dag.TwoInputTransformation;
import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.functions.CoFlatMapFunction;
import io.flowmesh.api.functions.CoMapFunction;
import io.flowmesh.api.functions.CoProcessFunction;
import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.functions.KeyedCoProcessFunction;
import java.util.Objects;

/** Two streams, possibly of different types, processed by one two-input function, as Flink's {@code ConnectedStreams}. */
public final class ConnectedStreams<IN1, IN2> {
    private final StreamExecutionEnvironment environment;
    private final DataStream<IN1> first;
    private final DataStream<IN2> second;
    private final KeySelector<IN1, ?> key1;
    private final KeySelector<IN2, ?> key2;

    ConnectedStreams(StreamExecutionEnvironment environment, DataStream<IN1> first, DataStream<IN2> second, KeySelector<IN1, ?> key1,
            KeySelector<IN2, ?> key2) {
        if (first.environment != second.environment) {
            throw new IllegalArgumentException("connect: the streams belong to different environments");
        }
        this.environment = environment;
        this.first = first;
        this.second = second;
        this.key1 = key1;
        this.key2 = key2;
    }

    /** Keys both inputs; records of either input with equal keys meet in the same subtask and state. */
    public <K> ConnectedStreams<IN1, IN2> keyBy(KeySelector<IN1, K> keySelector1, KeySelector<IN2, K> keySelector2) {
        Objects.requireNonNull(keySelector1, "key selector 1");
        Objects.requireNonNull(keySelector2, "key selector 2");
        DataStream<IN1> k1 = new DataStream<>(environment,
                new PartitionTransformation<>(environment.nextId(), first.transformation, PartitionerKind.HASH, keySelector1));
        DataStream<IN2> k2 = new DataStream<>(environment,
                new PartitionTransformation<>(environment.nextId(), second.transformation, PartitionerKind.HASH, keySelector2));
        return new ConnectedStreams<>(environment, k1, k2, keySelector1, keySelector2);
    }

    public <R> SingleOutputStreamOperator<R> map(CoMapFunction<IN1, IN2, R> mapper) {
        return transform("Co-Map", TwoInputTransformation.Kind.CO_MAP, Objects.requireNonNull(mapper, "co-map function"));
    }

    public <R> SingleOutputStreamOperator<R> flatMap(CoFlatMapFunction<IN1, IN2, R> flatMapper) {
        return transform("Co-Flat Map", TwoInputTransformation.Kind.CO_FLAT_MAP, Objects.requireNonNull(flatMapper, "co-flatMap function"));
    }

    public <R> SingleOutputStreamOperator<R> process(CoProcessFunction<IN1, IN2, R> function) {
        return transform("Co-Process", TwoInputTransformation.Kind.CO_PROCESS, Objects.requireNonNull(function, "co-process function"));
    }

    /** Needs {@link #keyBy} first. */
    public <K, R> SingleOutputStreamOperator<R> process(KeyedCoProcessFunction<K, IN1, IN2, R> function) {
        if (key1 == null) {
            throw new IllegalArgumentException("a KeyedCoProcessFunction needs keyed inputs: call connect(...).keyBy(key1, key2) first");
        }
        return transform("Keyed Co-Process", TwoInputTransformation.Kind.KEYED_CO_PROCESS, Objects.requireNonNull(function, "keyed co-process function"));
    }

    private <R> SingleOutputStreamOperator<R> transform(String name, TwoInputTransformation.Kind kind, Function function) {
        return new SingleOutputStreamOperator<>(environment, new TwoInputTransformation<IN1, IN2, R>(environment.nextId(), name,
                first.transformation, second.transformation, kind, function, key1, key2));
    }
}
