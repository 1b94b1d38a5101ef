package io.flowmesh.api.datastream;

import io.flowmesh.api.dag.OneInputTransformation;
import io.flowmesh.api.dag.OperatorKind;
import io.flowmesh.api.dag.PartitionTransformation;
import io.flowmesh.api.dag.PartitionerKind;
import io.flowmesh.api.dag.SinkTransformation;
import io.flowmesh.api.dag.Transformation;
import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.functions.FilterFunction;
import io.flowmesh.api.functions.FlatMapFunction;
import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.functions.MapFunction;
import io.flowmesh.api.sink.Sink;
import io.flowmesh.api.dag.UnionTransformation;
import io.flowmesh.api.eventtime.WatermarkStrategy;
import io.flowmesh.api.functions.ProcessFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A stream of records of type {@code T}, as Flink's {@code DataStream}. Building one only records the plan. */
public class DataStream<T> {
    protected final StreamExecutionEnvironment environment;
    protected final Transformation<T> transformation;

    public DataStream(StreamExecutionEnvironment environment, Transformation<T> transformation) {
        this.environment = Objects.requireNonNull(environment);
        this.transformation = Objects.requireNonNull(transformation);
    }

    public StreamExecutionEnvironment getExecutionEnvironment() {
        return environment;
    }

    public Transformation<T> getTransformation() {
        return transformation;
    }

    public <R> SingleOutputStreamOperator<R> map(MapFunction<T, R> mapper) {
        return oneInput("Map", OperatorKind.MAP, Objects.requireNonNull(mapper, "map function"), null);
    }

    public SingleOutputStreamOperator<T> filter(FilterFunction<T> filter) {
        return oneInput("Filter", OperatorKind.FILTER, Objects.requireNonNull(filter, "filter function"), null);
    }

    public <R> SingleOutputStreamOperator<R> flatMap(FlatMapFunction<T, R> flatMapper) {
        return oneInput("Flat Map", OperatorKind.FLAT_MAP, Objects.requireNonNull(flatMapper, "flatMap function"), null);
    }

    /** Partitions the stream by key: records with equal keys go to the same subtask, which owns their state. */
    public <K> KeyedStream<T, K> keyBy(KeySelector<T, K> keySelector) {
        Objects.requireNonNull(keySelector, "key selector");
        return new KeyedStream<>(environment,
                new PartitionTransformation<>(environment.nextId(), transformation, PartitionerKind.HASH, keySelector),
                keySelector);
    }

    public DataStream<T> rebalance() {
        return partition(PartitionerKind.REBALANCE);
    }

    public DataStream<T> broadcast() {
        return partition(PartitionerKind.BROADCAST);
    }

    public DataStream<T> forward() {
        return partition(PartitionerKind.FORWARD);
    }

    /** Records in, any number out, with side outputs (a non-keyed stream has no state or timers). */
    public <R> SingleOutputStreamOperator<R> process(ProcessFunction<T, R> function) {
        return oneInput("Process", OperatorKind.PROCESS, Objects.requireNonNull(function, "process function"), null);
    }

    /** This stream and another, possibly of another type, for a two-input function (co-map, co-process). */
    public <R> ConnectedStreams<T, R> connect(DataStream<R> other) {
        return new ConnectedStreams<>(environment, this, other, null, null);
    }

    /** This stream and the others, read as one stream (all of one type). */
    @SafeVarargs
    public final DataStream<T> union(DataStream<T>... others) {
        List<Transformation<T>> inputs = new ArrayList<>();
        inputs.add(transformation);
        for (DataStream<T> o : others) {
            if (o.environment != environment) {
                throw new IllegalArgumentException("union: the streams belong to different environments");
            }
            inputs.add(o.transformation);
        }
        return new DataStream<>(environment, new UnionTransformation<>(environment.nextId(), inputs));
    }

    /**
     * Assigns event-time timestamps to the records and generates watermarks with the strategy;
     * watermarks from upstream are replaced (but the final one at the end of input).
     */
    public SingleOutputStreamOperator<T> assignTimestampsAndWatermarks(WatermarkStrategy<T> strategy) {
        return oneInput("Timestamps/Watermarks", OperatorKind.TIMESTAMPS_AND_WATERMARKS, new WatermarkStrategyHolder<>(strategy), null);
    }

    /** Carries a watermark strategy through the plan as an operator function. */
    public record WatermarkStrategyHolder<T>(WatermarkStrategy<T> strategy) implements io.flowmesh.api.functions.Function {}

    public DataStreamSink<T> sinkTo(Sink<T> sink) {
        Objects.requireNonNull(sink, "sink");
        SinkTransformation<T> t = new SinkTransformation<>(environment.nextId(), "Sink: " + sink.getClass().getSimpleName(),
                transformation, sink);
        environment.addSink(t);
        return new DataStreamSink<>(t);
    }

    private DataStream<T> partition(PartitionerKind kind) {
        return new DataStream<>(environment, new PartitionTransformation<>(environment.nextId(), transformation, kind, null));
    }

    protected <R> SingleOutputStreamOperator<R> oneInput(String name, OperatorKind kind, io.flowmesh.api.functions.Function f,
            KeySelector<T, ?> stateKeySelector) {
        return new SingleOutputStreamOperator<>(environment,
                new OneInputTransformation<T, R>(environment.nextId(), name, transformation, kind, f, stateKeySelector));
    }
}
