package io.flowmesh.connector.kafka;

import io.flowmesh.api.functions.RuntimeContext;
import java.util.Map;

/** A subtask's runtime context for tests that create readers without the engine. */
record TestContext(String jobId, String taskName, int subtaskIndex, int parallelism, int maxParallelism, int attempt,
        Map<String, String> configuration) implements RuntimeContext {

    static TestContext of(int subtask, int parallelism, Map<String, String> configuration) {
        return new TestContext("job1", "Source: test (" + (subtask + 1) + "/" + parallelism + ")", subtask, parallelism, 128, 0,
                configuration);
    }
}
