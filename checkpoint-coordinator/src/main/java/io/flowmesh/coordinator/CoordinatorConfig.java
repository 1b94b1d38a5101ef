package io.flowmesh.coordinator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Checkpoint coordinator service settings (env: FLOWMESH_COORDINATOR_JOBMANAGER_ADDRESS, ...).
 * A job's checkpoint settings (interval, timeout, ...) are not here: they come from the job's
 * configuration with Flink's keys ({@code CheckpointSettings}).
 */
@ConfigMapping(prefix = "flowmesh.coordinator")
public interface CoordinatorConfig {
    /** host:port of the JobManager's gRPC endpoint: where FailJob goes when a job exceeds its tolerable checkpoint failures. */
    String jobmanagerAddress();

    /**
     * How often the coordinator thread looks at every job's timers (next trigger, timeout): the
     * precision of {@code execution.checkpointing.interval}, {@code min-pause} and {@code timeout}.
     */
    @WithDefault("20ms")
    Duration tickInterval();

    /** How many checkpoints and savepoints per job ListCheckpoints and GetSavepointStatus remember. */
    @WithDefault("50")
    int historySize();

    /** Deadline of the FailJob call to the JobManager. */
    @WithDefault("10s")
    Duration failJobTimeout();

    /** How long a gRPC request waits for the coordinator thread before it answers UNAVAILABLE. */
    @WithDefault("10s")
    Duration requestTimeout();

    /** Pause between attempts to read a job's JobGraph from S3 when the read failed. */
    @WithDefault("1s")
    Duration jobGraphRetry();

    /**
     * With high availability: the {@code host:port} this coordinator publishes with its lease when it
     * leads (the dispatcher calls it there); default {@code 127.0.0.1:<quarkus.http.port>}.
     */
    java.util.Optional<String> advertisedAddress();
}
