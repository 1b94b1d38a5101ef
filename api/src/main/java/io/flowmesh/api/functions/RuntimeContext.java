package io.flowmesh.api.functions;

import io.flowmesh.api.state.AggregatingState;
import io.flowmesh.api.state.AggregatingStateDescriptor;
import io.flowmesh.api.state.ListState;
import io.flowmesh.api.state.ListStateDescriptor;
import io.flowmesh.api.state.MapState;
import io.flowmesh.api.state.MapStateDescriptor;
import io.flowmesh.api.state.ReducingState;
import io.flowmesh.api.state.ReducingStateDescriptor;
import io.flowmesh.api.state.ValueState;
import io.flowmesh.api.state.ValueStateDescriptor;
import io.flowmesh.api.metrics.MetricGroup;
import java.util.Map;

/** What a source, sink or function may know about the subtask that runs it. */
public interface RuntimeContext {
    String jobId();

    /** The name of the task (the operator chain), as shown by {@code flowmesh info}. */
    String taskName();

    int subtaskIndex();

    int parallelism();

    int maxParallelism();

    /** Incremented each time the job restarts. */
    int attempt();

    /**
     * The job's configuration, plus cluster settings a connector may default to, such as
     * {@code flowmesh.kafka.bootstrap-servers} (the cluster's own Kafka).
     */
    Map<String, String> configuration();

    /**
     * The metric group of the operator this context belongs to, where a function or a source
     * reader registers gauges of its own; {@link MetricGroup#UNREGISTERED} when nothing reports them.
     */
    default MetricGroup getMetricGroup() {
        return MetricGroup.UNREGISTERED;
    }

    /**
     * Keyed state of the operator, by descriptor name. Only on a keyed stream (after keyBy); obtain
     * it in {@code open} and use it while processing: it reads and writes the current key's value.
     *
     * @throws UnsupportedOperationException on a non-keyed stream
     */
    default <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
        throw new UnsupportedOperationException("keyed state ('" + descriptor.getName() + "') is only available on a keyed stream (after keyBy)");
    }

    default <T> ListState<T> getListState(ListStateDescriptor<T> descriptor) {
        throw new UnsupportedOperationException("keyed state ('" + descriptor.getName() + "') is only available on a keyed stream (after keyBy)");
    }

    default <K, V> MapState<K, V> getMapState(MapStateDescriptor<K, V> descriptor) {
        throw new UnsupportedOperationException("keyed state ('" + descriptor.getName() + "') is only available on a keyed stream (after keyBy)");
    }

    default <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> descriptor) {
        throw new UnsupportedOperationException("keyed state ('" + descriptor.getName() + "') is only available on a keyed stream (after keyBy)");
    }

    default <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(AggregatingStateDescriptor<IN, ACC, OUT> descriptor) {
        throw new UnsupportedOperationException("keyed state ('" + descriptor.getName() + "') is only available on a keyed stream (after keyBy)");
    }
}
