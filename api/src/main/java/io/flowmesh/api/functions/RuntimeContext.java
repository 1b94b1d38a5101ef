package io.flowmesh.api.functions;

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
}
