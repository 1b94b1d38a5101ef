package io.flowmesh.api.datastream;

import io.flowmesh.api.dag.OperatorKind;
import io.flowmesh.api.functions.AggregateFunction;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.functions.ReduceFunction;
import io.flowmesh.api.windowing.WindowSpec;
import io.flowmesh.api.windowing.assigners.WindowAssigner;
import io.flowmesh.api.windowing.functions.ProcessWindowFunction;
import io.flowmesh.api.windowing.windows.Window;
import java.time.Duration;
import java.util.Objects;

/**
 * A keyed stream grouped into windows, as Flink's {@code WindowedStream}. A window's result is
 * emitted when it fires (event time: the watermark passes its end) with the window's max timestamp;
 * with allowed lateness, late records within it update and re-emit the result; later ones are
 * dropped or go to the late-data side output.
 */
public final class WindowedStream<T, K, W extends Window> {
    private final KeyedStream<T, K> input;
    private final WindowAssigner<? super T, W> assigner;
    private long allowedLatenessMillis;
    private OutputTag<T> lateDataTag;

    WindowedStream(KeyedStream<T, K> input, WindowAssigner<? super T, W> assigner) {
        this.input = input;
        this.assigner = assigner;
    }

    public WindowedStream<T, K, W> allowedLateness(Duration lateness) {
        if (lateness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness must not be negative");
        }
        if (!assigner.isEventTime() && !lateness.isZero()) {
            throw new IllegalArgumentException("allowed lateness applies to event-time windows only");
        }
        this.allowedLatenessMillis = lateness.toMillis();
        return this;
    }

    public WindowedStream<T, K, W> sideOutputLateData(OutputTag<T> tag) {
        this.lateDataTag = Objects.requireNonNull(tag);
        return this;
    }

    public SingleOutputStreamOperator<T> reduce(ReduceFunction<T> reducer) {
        return build("Window(Reduce)", Objects.requireNonNull(reducer), null, null);
    }

    public <R> SingleOutputStreamOperator<R> reduce(ReduceFunction<T> reducer, ProcessWindowFunction<T, R, K, W> function) {
        return build("Window(Reduce, Process)", Objects.requireNonNull(reducer), null, Objects.requireNonNull(function));
    }

    public <ACC, R> SingleOutputStreamOperator<R> aggregate(AggregateFunction<T, ACC, R> aggregate) {
        return build("Window(Aggregate)", null, Objects.requireNonNull(aggregate), null);
    }

    public <ACC, V, R> SingleOutputStreamOperator<R> aggregate(AggregateFunction<T, ACC, V> aggregate, ProcessWindowFunction<V, R, K, W> function) {
        return build("Window(Aggregate, Process)", null, Objects.requireNonNull(aggregate), Objects.requireNonNull(function));
    }

    public <R> SingleOutputStreamOperator<R> process(ProcessWindowFunction<T, R, K, W> function) {
        return build("Window(Process)", null, null, Objects.requireNonNull(function));
    }

    private <R> SingleOutputStreamOperator<R> build(String name, ReduceFunction<?> reduce, AggregateFunction<?, ?, ?> aggregate,
            ProcessWindowFunction<?, ?, ?, ?> process) {
        return input.oneInput(name, OperatorKind.WINDOW,
                new WindowSpec(assigner, reduce, aggregate, process, allowedLatenessMillis, lateDataTag), input.getKeySelector());
    }
}
