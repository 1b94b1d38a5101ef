package io.flowmesh.coordinator;

import io.smallrye.config.ConfigMapping;

/** Checkpoint coordinator settings (env: FLOWMESH_COORDINATOR_JOBMANAGER_ADDRESS). */
@ConfigMapping(prefix = "flowmesh.coordinator")
public interface CoordinatorConfig {
    /** host:port of the JobManager's gRPC endpoint (used once checkpoints restore jobs). */
    String jobmanagerAddress();
}
