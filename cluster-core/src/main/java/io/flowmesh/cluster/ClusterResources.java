package io.flowmesh.cluster;

import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.config.S3Config;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.HighAvailabilityServices;
import io.flowmesh.cluster.rpc.GrpcChannels;
import io.flowmesh.cluster.storage.ArtifactStore;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.cluster.storage.S3BlobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * CDI producers of what every service shares: the S3 blob store (creating the bucket if configured
 * and reachable), the artifact store, the topic names, and cached gRPC channels.
 */
@ApplicationScoped
public class ClusterResources {
    private static final Logger LOG = Logger.getLogger(ClusterResources.class);

    @Produces
    @Singleton
    BlobStore blobStore(S3Config config) {
        S3BlobStore store = new S3BlobStore(config);
        if (config.createBucket()) {
            try {
                store.createBucketIfMissing();
            } catch (RuntimeException e) {
                LOG.warnf("S3 is not reachable yet (%s); readiness stays DOWN until it is", e.getMessage());
            }
        }
        return store;
    }

    void closeBlobStore(@Disposes BlobStore store) {
        store.close();
    }

    @Produces
    @Singleton
    ArtifactStore artifactStore(BlobStore store, S3Config config) {
        return new ArtifactStore(store, config.artifactsDir());
    }

    @Produces
    @Singleton
    Topics topics(KafkaConfig config) {
        return new Topics(config.topicPrefix());
    }

    /** Flink's {@code high-availability.*} keys, read from the service's configuration (also as env vars). */
    @Produces
    @Singleton
    HighAvailabilityOptions highAvailabilityOptions() {
        org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        return HighAvailabilityOptions.from(key -> config.getOptionalValue(key, String.class));
    }

    /**
     * The process's one leader election/retrieval implementation, chosen by {@code high-availability.type}
     * ({@link HighAvailabilityServices#create}); {@link HighAvailabilityServices#none()} without HA.
     * Closed at shutdown, after the {@code ShutdownEvent} observers closed their elections.
     */
    @Produces
    @Singleton
    HighAvailabilityServices highAvailabilityServices(HighAvailabilityOptions options, BlobStore store, S3Config s3) {
        if (!options.enabled()) {
            return HighAvailabilityServices.none();
        }
        org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        return HighAvailabilityServices.create(options, store, s3.haDir(), key -> config.getOptionalValue(key, String.class));
    }

    void closeHighAvailabilityServices(@Disposes HighAvailabilityServices services) {
        services.close();
    }

    @Produces
    @Singleton
    GrpcChannels grpcChannels() {
        return new GrpcChannels();
    }

    void closeChannels(@Disposes GrpcChannels channels) {
        channels.close();
    }
}
