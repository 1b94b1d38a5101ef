package io.flowmesh.ha.kubernetes;

import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.HighAvailabilityServices;
import io.flowmesh.cluster.ha.HighAvailabilityServicesFactory;
import java.util.Optional;
import java.util.function.Function;

/** {@code high-availability.type: kubernetes}: {@link KubernetesHighAvailabilityServices}, found with the ServiceLoader. */
public final class KubernetesHighAvailabilityServicesFactory implements HighAvailabilityServicesFactory {
    @Override
    public String type() {
        return "kubernetes";
    }

    @Override
    public HighAvailabilityServices create(HighAvailabilityOptions options, Function<String, Optional<String>> config) {
        return KubernetesHighAvailabilityServices.create(options, config);
    }
}
