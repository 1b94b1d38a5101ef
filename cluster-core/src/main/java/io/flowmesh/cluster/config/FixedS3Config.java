package io.flowmesh.cluster.config;

import java.util.Optional;

/**
 * An {@link S3Config} with fixed values, for code that runs outside a Quarkus service (tests,
 * tools). The services get theirs from {@code flowmesh.s3.*}.
 */
public record FixedS3Config(Optional<String> endpoint, String region, Optional<String> accessKey, Optional<String> secretKey,
        String bucket, boolean createBucket, String artifactsDir, String haDir) implements S3Config {

    /** An S3-protocol server at {@code endpoint} with static credentials; the other settings at their defaults. */
    public static FixedS3Config forServer(String endpoint, String accessKey, String secretKey, String bucket) {
        return new FixedS3Config(Optional.of(endpoint), "us-east-1", Optional.of(accessKey), Optional.of(secretKey), bucket, true,
                "artifacts", "ha/default");
    }
}
