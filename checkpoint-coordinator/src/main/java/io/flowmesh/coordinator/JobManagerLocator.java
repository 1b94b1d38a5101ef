package io.flowmesh.coordinator;

import io.flowmesh.cluster.config.S3Config;
import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.LeaderLocator;
import io.flowmesh.cluster.storage.BlobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Where the leading JobManager is: the configured address, or with high availability the one its lease names. */
@ApplicationScoped
public class JobManagerLocator {
    @Produces
    @Singleton
    LeaderLocator jobManagerLeader(HighAvailabilityOptions options, BlobStore store, S3Config s3, CoordinatorConfig config) {
        return LeaderLocator.create(options, store, s3.haDir(), config.jobmanagerAddress());
    }
}
