package io.flowmesh.cluster.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Objects in one S3 bucket, by key. Every method may throw {@link StorageException} naming the
 * object and the cause when S3 is unreachable or refuses the operation.
 */
public interface BlobStore extends AutoCloseable {
    String bucket();

    /** {@code s3://<bucket>/<key>}. */
    default String uri(String key) {
        return "s3://" + bucket() + "/" + key;
    }

    /** The key of an {@code s3://<this bucket>/...} URI; empty when the URI names another bucket or is malformed. */
    default Optional<String> keyOf(String uri) {
        String prefix = "s3://" + bucket() + "/";
        return uri != null && uri.startsWith(prefix) && uri.length() > prefix.length() ? Optional.of(uri.substring(prefix.length())) : Optional.empty();
    }

    void put(String key, byte[] data);

    void put(String key, Path file);

    /** The object's bytes, or empty when there is no such object. */
    Optional<byte[]> get(String key);

    /** Downloads the object to {@code target}; false when there is no such object. */
    boolean download(String key, Path target);

    boolean exists(String key);

    /**
     * The object's entity tag — it changes whenever the object is written with other content —, or
     * empty when there is no such object.
     */
    Optional<String> etag(String key);

    /** The keys that start with {@code prefix}, in lexicographic order. */
    List<String> list(String prefix);

    /** Deletes the object; no error when there is none. */
    void delete(String key);

    /** Deletes every object whose key starts with {@code prefix}; returns how many. */
    default int deletePrefix(String prefix) {
        List<String> keys = list(prefix);
        keys.forEach(this::delete);
        return keys.size();
    }

    /** An object's bytes with its entity tag, the version that conditional writes compare against. */
    record Versioned(byte[] data, String etag) {}

    /** The object's bytes and entity tag, or empty when there is no such object. */
    default Optional<Versioned> getVersioned(String key) {
        throw new UnsupportedOperationException("conditional reads are not supported by " + getClass().getSimpleName());
    }

    /**
     * Writes the object only if its current entity tag is {@code etag} ({@code If-Match}), or, with
     * {@code etag} null, only if there is no such object ({@code If-None-Match: *}): an atomic
     * compare-and-set, which S3 (since 2024) and s3proxy honour.
     *
     * @return false when the condition failed (another writer came first)
     */
    default boolean putIfMatch(String key, byte[] data, String etag) {
        throw new UnsupportedOperationException("conditional writes are not supported by " + getClass().getSimpleName());
    }

    /** Fails with a {@link StorageException} unless the bucket can be reached. */
    void checkReachable();

    @Override
    void close();
}
