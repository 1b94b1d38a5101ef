package io.flowmesh.cluster.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The cluster's S3 storage (env: FLOWMESH_S3_ENDPOINT, FLOWMESH_S3_ACCESS_KEY, ...). */
@ConfigMapping(prefix = "flowmesh.s3")
public interface S3Config {
    /** Empty for Amazon S3 itself; set for S3-protocol servers. */
    Optional<String> endpoint();

    @WithDefault("us-east-1")
    String region();

    /** Empty: the AWS SDK's default credential chain. */
    Optional<String> accessKey();

    Optional<String> secretKey();

    @WithDefault("flowmesh")
    String bucket();

    /** Create the bucket at start when it does not exist (local clusters). */
    @WithDefault("true")
    boolean createBucket();

    /** Key prefix of job jars, stored as {@code <sha256>.jar}. */
    @WithDefault("artifacts")
    String artifactsDir();

    /** Key prefix of high-availability data (job graphs), Flink's {@code high-availability.storageDir}. */
    @WithDefault("ha/default")
    String haDir();
}
