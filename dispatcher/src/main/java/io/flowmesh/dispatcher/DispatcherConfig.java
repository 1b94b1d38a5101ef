package io.flowmesh.dispatcher;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Dispatcher settings (env: FLOWMESH_DISPATCHER_JOBMANAGER_ADDRESS, ...). */
@ConfigMapping(prefix = "flowmesh.dispatcher")
public interface DispatcherConfig {
    /** host:port of the JobManager's gRPC endpoint. */
    String jobmanagerAddress();

    /** How long a program's main may take to build its pipeline and call execute(). */
    @WithDefault("60s")
    Duration planExtractionTimeout();

    /** The largest jar UploadArtifact accepts. */
    @WithDefault("536870912")
    long maxArtifactBytes();
}
