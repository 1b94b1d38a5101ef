package io.flowmesh.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The operator's own settings (env: FLOWMESH_OPERATOR_DISPATCHER_ADDRESS, ...). */
@ConfigMapping(prefix = "flowmesh.operator")
public interface OperatorConfig {
    /** Where a cluster's dispatcher answers gRPC; {name} and {namespace} are the FlinkDeployment's. */
    @WithDefault("{name}-rest.{namespace}.svc:8081")
    String dispatcherAddress();

    /** Deadline of each dispatcher call. */
    @WithDefault("30s")
    Duration rpcTimeout();

    /** How long a stop-with-savepoint may take before the upgrade is reported as failed. */
    @WithDefault("10m")
    Duration savepointTimeout();
}
