package io.flowmesh.engine.task;

import io.flowmesh.api.functions.RuntimeContext;
import java.util.Map;

/** The {@link RuntimeContext} of one subtask. */
public record TaskRuntimeContext(String jobId, String taskName, int subtaskIndex, int parallelism, int maxParallelism, int attempt,
        Map<String, String> configuration) implements RuntimeContext {}
