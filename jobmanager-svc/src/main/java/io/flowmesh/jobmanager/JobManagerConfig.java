package io.flowmesh.jobmanager;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** JobManager settings (env: FLOWMESH_JOBMANAGER_HEARTBEAT_TIMEOUT, ...). */
@ConfigMapping(prefix = "flowmesh.jobmanager")
public interface JobManagerConfig {
    /** How often TaskManagers heartbeat (Flink: {@code heartbeat.interval}). */
    @WithDefault("1s")
    Duration heartbeatInterval();

    /** A TaskManager silent this long is lost and its subtasks fail (Flink: {@code heartbeat.timeout}). */
    @WithDefault("5s")
    Duration heartbeatTimeout();

    /** How long a job waits for enough free slots before it fails (Flink: {@code slot.request.timeout}). */
    @WithDefault("60s")
    Duration slotRequestTimeout();

    /**
     * How long a (re)deployment waits for S3 to name the job's latest completed checkpoint and
     * return its metadata; past it the attempt fails (and the restart strategy decides).
     */
    @WithDefault("30s")
    Duration stateLookupTimeout();

    /**
     * With high availability: the {@code host:port} that this JobManager publishes with its lease
     * when it leads (TaskManagers, dispatcher and coordinator call it there); default
     * {@code 127.0.0.1:<quarkus.http.port>}.
     */
    java.util.Optional<String> advertisedAddress();
}
