package io.flowmesh.cluster.ha;

import io.flowmesh.cluster.storage.BlobStore;
import java.util.Optional;

/**
 * Where the leader of a component is — the JobManager for TaskManagers, dispatcher and
 * coordinator; the checkpoint coordinator for the dispatcher. Without high availability it is always the configured address, as
 * before; with it, the address the leader published with its lease ({@link LeaderRetrieval}),
 * asked again on every call of {@link #leader()} — callers ask once per attempt and again after a
 * call failed. Thread-safe.
 */
public final class LeaderLocator {
    /** The component name of the JobManager's lease. */
    public static final String JOBMANAGER = "jobmanager";
    /** The component name of the checkpoint coordinator's lease. */
    public static final String COORDINATOR = "coordinator";
    /** The component name of the dispatcher's lease (its address: the gRPC and REST endpoint clients use). */
    public static final String DISPATCHER = "dispatcher";

    private final String configuredAddress;
    private final LeaderRetrieval retrieval;
    private final boolean highAvailability;

    public LeaderLocator(String configuredAddress, LeaderRetrieval retrieval, boolean highAvailability) {
        this.configuredAddress = configuredAddress;
        this.retrieval = retrieval;
        this.highAvailability = highAvailability;
    }

    /**
     * For {@code options}: the fixed {@code configuredAddress} without HA, the S3 lease under the
     * HA storage dir with type {@code s3}, the Kubernetes Lease with type {@code kubernetes} (through
     * services of its own, with a Kubernetes client of its own: in services prefer
     * {@link #create(HighAvailabilityOptions, HighAvailabilityServices, String, String)} with the
     * process's shared {@link HighAvailabilityServices}).
     *
     * @throws IllegalStateException for a type whose implementation is not on the class path
     */
    public static LeaderLocator create(HighAvailabilityOptions options, BlobStore store, String defaultHaDir, String configuredAddress) {
        return create(options, store, defaultHaDir, configuredAddress, JOBMANAGER);
    }

    /** As {@link #create(HighAvailabilityOptions, BlobStore, String, String)} for the lease of {@code component}. */
    public static LeaderLocator create(HighAvailabilityOptions options, BlobStore store, String defaultHaDir, String configuredAddress,
            String component) {
        return switch (options.type()) {
            case NONE -> new LeaderLocator(configuredAddress, LeaderRetrieval.fixed(configuredAddress), false);
            case S3 -> new LeaderLocator(configuredAddress,
                    S3LeaderElection.retrieval(store, options.keyPrefix(store.bucket(), defaultHaDir), component), true);
            case KUBERNETES -> create(options, HighAvailabilityServices.create(options, store, defaultHaDir, LeaderLocator::processConfig),
                    configuredAddress, component);
        };
    }

    /**
     * For {@code options}: the fixed {@code configuredAddress} without HA, else the lease of
     * {@code component} through {@code services} (any type, e.g. the process's shared
     * {@link HighAvailabilityServices}; unused without HA).
     */
    public static LeaderLocator create(HighAvailabilityOptions options, HighAvailabilityServices services, String configuredAddress,
            String component) {
        if (!options.enabled()) {
            return new LeaderLocator(configuredAddress, LeaderRetrieval.fixed(configuredAddress), false);
        }
        return new LeaderLocator(configuredAddress, services.leaderRetrieval(component), true);
    }

    /** The service's configuration (MicroProfile Config: system properties, environment, application.properties). */
    private static Optional<String> processConfig(String key) {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(key, String.class);
    }

    public boolean highAvailability() {
        return highAvailability;
    }

    /** The current leader; without HA always the configured address (epoch 1). Empty while nobody leads. */
    public Optional<LeaderInformation> leader() {
        try {
            return retrieval.currentLeader();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The current leader's address, else the configured one (so that a failing call names an address). */
    public String address() {
        return leader().map(LeaderInformation::address).orElse(configuredAddress);
    }
}
