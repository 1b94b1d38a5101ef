package io.flowmesh.engine.state;

import io.flowmesh.api.functions.RuntimeContext;
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
import java.util.Map;

/** The runtime context of a keyed operator's function: the subtask's context plus keyed state. */
public record KeyedRuntimeContext(RuntimeContext task, HeapKeyedStateBackend backend) implements RuntimeContext {
    @Override
    public String jobId() {
        return task.jobId();
    }

    @Override
    public String taskName() {
        return task.taskName();
    }

    @Override
    public int subtaskIndex() {
        return task.subtaskIndex();
    }

    @Override
    public int parallelism() {
        return task.parallelism();
    }

    @Override
    public int maxParallelism() {
        return task.maxParallelism();
    }

    @Override
    public int attempt() {
        return task.attempt();
    }

    @Override
    public Map<String, String> configuration() {
        return task.configuration();
    }

    @Override
    public io.flowmesh.api.metrics.MetricGroup getMetricGroup() {
        return task.getMetricGroup();
    }

    @Override
    public <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
        return backend.getState(descriptor);
    }

    @Override
    public <T> ListState<T> getListState(ListStateDescriptor<T> descriptor) {
        return backend.getListState(descriptor);
    }

    @Override
    public <K, V> MapState<K, V> getMapState(MapStateDescriptor<K, V> descriptor) {
        return backend.getMapState(descriptor);
    }

    @Override
    public <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> descriptor) {
        return backend.getReducingState(descriptor);
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(AggregatingStateDescriptor<IN, ACC, OUT> descriptor) {
        return backend.getAggregatingState(descriptor);
    }
}
