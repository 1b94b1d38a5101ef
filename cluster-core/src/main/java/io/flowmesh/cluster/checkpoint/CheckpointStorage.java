package io.flowmesh.cluster.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.cluster.storage.StorageException;
import io.flowmesh.proto.CheckpointMetadata;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flink's layout of checkpoints and savepoints on S3 (design section 5):
 * <pre>
 * &lt;checkpoints dir&gt;/&lt;job id&gt;/chk-&lt;n&gt;/_metadata          written last, by the coordinator
 * &lt;checkpoints dir&gt;/&lt;job id&gt;/chk-&lt;n&gt;/&lt;state files&gt;      written by the subtasks
 * &lt;savepoint dir&gt;/savepoint-&lt;first 6 of job id&gt;-&lt;n&gt;/_metadata (and its state files)
 * </pre>
 * A checkpoint is complete exactly when its {@code _metadata} exists. Locations are {@code s3://}
 * URIs of directories, without a trailing slash; they must lie in the cluster's bucket.
 */
public final class CheckpointStorage {
    public static final String METADATA = "_metadata";
    private static final Pattern CHK = Pattern.compile(".*/chk-(\\d+)/" + METADATA);

    private final BlobStore store;

    public CheckpointStorage(BlobStore store) {
        this.store = store;
    }

    /** Where checkpoints go when the job sets no {@code execution.checkpointing.dir}: {@code s3://<bucket>/checkpoints}. */
    public static String defaultCheckpointsDir(String bucket) {
        return "s3://" + bucket + "/checkpoints";
    }

    /**
     * Where savepoints go when the job sets no {@code execution.checkpointing.savepoint-dir} and the
     * request names no directory: {@code s3://<bucket>/savepoints} (Flink has no default and refuses).
     */
    public static String defaultSavepointsDir(String bucket) {
        return "s3://" + bucket + "/savepoints";
    }

    /** The job's settings with this store's bucket for the default directories. */
    public CheckpointSettings settings(java.util.Map<String, String> jobConfiguration) {
        return CheckpointSettings.of(jobConfiguration, defaultCheckpointsDir(store.bucket()), defaultSavepointsDir(store.bucket()));
    }

    public static String checkpointLocation(String checkpointsDir, String jobId, long checkpointId) {
        return checkpointsDir + "/" + jobId + "/chk-" + checkpointId;
    }

    public static String savepointLocation(String savepointDir, String jobId, long checkpointId) {
        return savepointDir + "/savepoint-" + jobId.substring(0, Math.min(6, jobId.length())) + "-" + checkpointId;
    }

    public static String metadataUri(String location) {
        return location + "/" + METADATA;
    }

    /** The bucket key of a location or file URI. */
    public String key(String uri) {
        return store.keyOf(uri).orElseThrow(() -> new IllegalArgumentException(
                "'" + uri + "' is not in the cluster's bucket (s3://" + store.bucket() + "/...)"));
    }

    public void writeMetadata(String location, CheckpointMetadata metadata) {
        store.put(key(metadataUri(location)), metadata.toByteArray());
    }

    /**
     * Reads the metadata of a checkpoint or savepoint: {@code path} is its directory or its
     * {@code _metadata} URI.
     *
     * @throws IllegalArgumentException naming the path when nothing (or no metadata) is there
     */
    public CheckpointMetadata readMetadata(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String uri = p.endsWith("/" + METADATA) ? p : metadataUri(p);
        byte[] bytes = store.get(key(uri)).orElseThrow(() -> new IllegalArgumentException(
                "no checkpoint or savepoint at " + path + " (" + uri + " does not exist)"));
        try {
            return CheckpointMetadata.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(uri + " is not Flowmesh checkpoint metadata: " + e.getMessage());
        }
    }

    /** The highest-numbered completed checkpoint of the job under {@code checkpointsDir}, if any. */
    public Optional<Long> latestCompletedId(String checkpointsDir, String jobId) {
        long best = -1;
        for (String k : store.list(key(checkpointsDir + "/" + jobId + "/chk-"))) {
            Matcher m = CHK.matcher(k);
            if (m.matches()) {
                best = Math.max(best, Long.parseLong(m.group(1)));
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(best);
    }

    /** The metadata of the latest completed checkpoint of the job, if any. */
    public Optional<CheckpointMetadata> latestCompleted(String checkpointsDir, String jobId) {
        return latestCompletedId(checkpointsDir, jobId).map(n -> readMetadata(checkpointLocation(checkpointsDir, jobId, n)));
    }

    /** Deletes everything under the location (a failed or subsumed checkpoint); never for savepoints. */
    public int discard(String location) {
        return store.deletePrefix(key(location) + "/");
    }

    /** @throws StorageException when S3 cannot be reached */
    public void checkReachable() {
        store.checkReachable();
    }
}
