package io.flowmesh.cluster.ha;

import io.flowmesh.cluster.storage.BlobStore;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The leader election and leader retrieval of one kind of high availability
 * ({@code high-availability.type}), for any component: {@code jobmanager}, {@code coordinator},
 * {@code dispatcher} ... — the component name only names the lease. One instance per process,
 * shared by every election and retrieval of that process (it may hold a client, e.g. to the
 * Kubernetes API), closed when the process stops, after the elections it made.
 *
 * <p>{@link #create} is the one place where the type picks the implementation: {@code s3} is
 * {@link S3LeaderElection} (a lease object under {@code high-availability.storageDir});
 * other types come from a {@link HighAvailabilityServicesFactory} on the class path
 * ({@code kubernetes}: module {@code ha-kubernetes}). Only leases and leader addresses live there;
 * the HA job store stays in S3 whatever the type. Thread-safe.
 */
public interface HighAvailabilityServices extends AutoCloseable {

    /**
     * A new election for {@code component}, publishing {@code address} ({@code host:port}) with the
     * lease while leading; not started yet ({@link LeaderElection#start}).
     */
    LeaderElection leaderElection(String component, String address);

    /** Reads who leads {@code component} (epoch and address), as its lease says now. */
    LeaderRetrieval leaderRetrieval(String component);

    /** Where the lease of {@code component} lives, for logs and errors (an S3 URI, a Lease's namespace/name). */
    String describe(String component);

    /** Releases what the services hold (clients); the elections made from them must be closed first. */
    @Override
    default void close() {
    }

    /** Type {@code none}: nothing elects and nothing is retrieved (callers use their configured addresses); every method throws. */
    static HighAvailabilityServices none() {
        return new HighAvailabilityServices() {
            @Override
            public LeaderElection leaderElection(String component, String address) {
                throw new IllegalStateException(HighAvailabilityOptions.TYPE + " is none: no leader election for " + component);
            }

            @Override
            public LeaderRetrieval leaderRetrieval(String component) {
                throw new IllegalStateException(HighAvailabilityOptions.TYPE + " is none: no leader retrieval for " + component);
            }

            @Override
            public String describe(String component) {
                return "no lease (" + HighAvailabilityOptions.TYPE + " none)";
            }
        };
    }

    /**
     * The services of {@code options.type()}.
     *
     * @param store the cluster's S3 store (type {@code s3} keeps its leases there)
     * @param defaultHaDir the HA directory in the bucket when {@code high-availability.storageDir} is unset
     * @param config the process's configuration by key (for the implementation's own keys, e.g.
     *     {@code kubernetes.master}, {@code kubernetes.namespace})
     * @throws IllegalStateException for type {@code none} (nothing elects; callers use the configured
     *     addresses) or a type whose implementation is not on the class path
     */
    static HighAvailabilityServices create(HighAvailabilityOptions options, BlobStore store, String defaultHaDir,
            Function<String, Optional<String>> config) {
        return switch (options.type()) {
            case NONE -> throw new IllegalStateException(HighAvailabilityOptions.TYPE + " is none: there is no leader election");
            case S3 -> new S3HighAvailabilityServices(store, options.keyPrefix(store.bucket(), defaultHaDir), options);
            case KUBERNETES -> fromFactory(options, config);
        };
    }

    /** The factory of {@code options.type()} found with {@link ServiceLoader}. */
    private static HighAvailabilityServices fromFactory(HighAvailabilityOptions options, Function<String, Optional<String>> config) {
        String type = options.type().name().toLowerCase(Locale.ROOT);
        for (ClassLoader loader : new ClassLoader[] {HighAvailabilityServicesFactory.class.getClassLoader(),
                Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            for (HighAvailabilityServicesFactory factory : ServiceLoader.load(HighAvailabilityServicesFactory.class, loader)) {
                if (factory.type().equalsIgnoreCase(type)) {
                    return factory.create(options, config);
                }
            }
        }
        throw new IllegalStateException(HighAvailabilityOptions.TYPE + ": " + type + " needs its implementation on the class path (module "
                + "flowmesh-ha-" + type + ", a " + HighAvailabilityServicesFactory.class.getName() + " for type '" + type + "')");
    }
}
