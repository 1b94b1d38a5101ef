package io.flowmesh.cluster;

import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.cluster.storage.BlobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness shared by every service: Kafka answers and Flowmesh's topics exist (created on the
 * first successful check), and the S3 bucket can be reached.
 */
@Readiness
@ApplicationScoped
public class ClusterReadiness implements HealthCheck {
    @Inject
    KafkaConfig kafka;

    @Inject
    Topics topics;

    @Inject
    BlobStore blobStore;

    private volatile boolean topicsReady;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder r = HealthCheckResponse.named("kafka-and-s3").up();
        if (!topicsReady) {
            try {
                topics.ensureCreated(kafka.bootstrapServers(), 3000);
                topicsReady = true;
            } catch (Exception e) {
                r.down().withData("kafka", "unreachable at " + kafka.bootstrapServers() + ": " + e.getMessage());
            }
        }
        try {
            blobStore.checkReachable();
        } catch (RuntimeException e) {
            r.down().withData("s3", e.getMessage());
        }
        return r.build();
    }

    /** True once the topics exist (for services that must wait before publishing). */
    public boolean topicsReady() {
        return topicsReady;
    }
}
