package io.flowmesh.operator.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowmesh.operator.service.FlowmeshClusterService;
import io.flowmesh.operator.service.KubernetesClusterService;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** CDI wiring of the reconcilers' collaborators (tests construct them directly). */
public class OperatorBeans {
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    FlowmeshClusterService clusterService(KubernetesClient client, OperatorConfig config) {
        return new KubernetesClusterService(client, config.dispatcherAddress(), config.rpcTimeout(), config.savepointTimeout());
    }
}
