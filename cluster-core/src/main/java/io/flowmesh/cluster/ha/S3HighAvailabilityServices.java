package io.flowmesh.cluster.ha;

import io.flowmesh.cluster.storage.BlobStore;

/**
 * Type {@code s3}: one {@link S3LeaderElection} lease object per component under the HA key prefix
 * ({@code <prefix>leader/<component>/lease}). Holds nothing of its own: the store is the cluster's.
 */
final class S3HighAvailabilityServices implements HighAvailabilityServices {
    private final BlobStore store;
    private final String keyPrefix;
    private final HighAvailabilityOptions options;

    S3HighAvailabilityServices(BlobStore store, String keyPrefix, HighAvailabilityOptions options) {
        this.store = store;
        this.keyPrefix = keyPrefix;
        this.options = options;
    }

    @Override
    public LeaderElection leaderElection(String component, String address) {
        return new S3LeaderElection(store, keyPrefix, component, address, options);
    }

    @Override
    public LeaderRetrieval leaderRetrieval(String component) {
        return S3LeaderElection.retrieval(store, keyPrefix, component);
    }

    @Override
    public String describe(String component) {
        return store.uri(S3LeaderElection.leaseKey(keyPrefix, component));
    }
}
