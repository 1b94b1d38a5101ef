package io.flowmesh.taskmanager;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import io.smallrye.config.WithName;
import java.util.Optional;

/** TaskManager settings (env: FLOWMESH_TASKMANAGER_ID, FLOWMESH_TASKMANAGER_HOST, ...). */
@ConfigMapping(prefix = "flowmesh.taskmanager")
public interface TaskManagerConfig {
    /** Stable id; default: a random one. A restarted process with the same id replaces the old registration. */
    Optional<String> id();

    /** The address other services and TaskManagers reach this one at (a pod IP on Kubernetes). */
    @WithDefault("127.0.0.1")
    String host();

    /** Port of the data exchange server (Flink's {@code taskmanager.data.port}). */
    @WithDefault("6121")
    int dataPort();

    /** host:port of the JobManager's gRPC endpoint. */
    String jobmanagerAddress();

    /** Where job jars are cached; default: a folder under java.io.tmpdir. */
    Optional<String> artifactCacheDir();

    /** Bytes of one network buffer (Flink: {@code taskmanager.memory.segment-size}). */
    @WithDefault("32768")
    int bufferSize();

    /** Buffers a subpartition queues before its producer waits (backpressure). */
    @WithDefault("4")
    int subpartitionQueueBuffers();

    /** Buffers a remote input channel grants its producer. */
    @WithDefault("8")
    int creditsPerChannel();

    /** Delays that widen the windows failure tests kill a process in; never set them in production. */
    FaultInjection faultInjection();

    /**
     * Test support ({@code flowmesh.taskmanager.fault-injection.*}): both default to zero, which is
     * the normal behaviour.
     */
    interface FaultInjection {
        /**
         * The asynchronous part of each subtask's checkpoint takes this much longer per state file
         * (inline ones included): the acknowledgement waits on the upload thread; processing goes on.
         */
        @WithDefault("0s")
        Duration stateUploadDelay();

        /** Each checkpoint completion reaches the subtasks (and so the sinks' commits) this much later. */
        @WithDefault("0s")
        Duration checkpointCompleteDelay();
    }

    /** How often the per-second metrics (records per second, busy/idle/backpressured time) are sampled; they cover the last interval. */
    @WithName("metrics.rate-interval")
    @WithDefault("5s")
    Duration metricsRateInterval();
}
