package io.flowmesh.cluster.ha;

import java.util.Optional;
import java.util.function.Function;

/**
 * Makes the {@link HighAvailabilityServices} of one {@code high-availability.type} that cluster-core
 * does not implement itself (as Flink's {@code HighAvailabilityServicesFactory}); found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.flowmesh.cluster.ha.HighAvailabilityServicesFactory})
 * by {@link HighAvailabilityServices#create}. Module {@code ha-kubernetes} provides {@code kubernetes}.
 */
public interface HighAvailabilityServicesFactory {
    /** The value of {@code high-availability.type} served, e.g. {@code kubernetes}. */
    String type();

    /**
     * @param options the HA settings (lease timings, cluster id)
     * @param config the process's configuration by key, for the implementation's own keys
     * @throws IllegalArgumentException naming the key whose value is unusable
     */
    HighAvailabilityServices create(HighAvailabilityOptions options, Function<String, Optional<String>> config);
}
