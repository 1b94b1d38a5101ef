package io.flowmesh.dispatcher;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Dispatcher settings (env: FLOWMESH_DISPATCHER_JOBMANAGER_ADDRESS,
 * FLOWMESH_DISPATCHER_COORDINATOR_ADDRESS, ...). */
@ConfigMapping(prefix = "flowmesh.dispatcher")
public interface DispatcherConfig {
    /** host:port of the JobManager's gRPC endpoint. */
    String jobmanagerAddress();

    /** host:port of the checkpoint coordinator's gRPC endpoint (savepoints, stop, checkpoint history). */
    @WithDefault("127.0.0.1:8083")
    String coordinatorAddress();

    /** How long a call to the checkpoint coordinator may take when the user's call has no earlier deadline. */
    @WithDefault("10s")
    Duration coordinatorTimeout();

    /** How long a program's main may take to build its pipeline and call execute(). */
    @WithDefault("60s")
    Duration planExtractionTimeout();

    /** The largest jar UploadArtifact accepts. */
    @WithDefault("536870912")
    long maxArtifactBytes();
}
