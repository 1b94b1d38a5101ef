package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.metrics.MetricGroup;
import java.util.Map;

/** The subtask's runtime context as one operator sees it: the same, plus the operator's metric group. */
record OperatorRuntimeContext(RuntimeContext task, MetricGroup metricGroup) implements RuntimeContext {
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
    public MetricGroup getMetricGroup() {
        return metricGroup;
    }
}
