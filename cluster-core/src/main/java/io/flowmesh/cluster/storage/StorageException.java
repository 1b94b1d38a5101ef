package io.flowmesh.cluster.storage;

/** S3 could not be reached or refused an operation; the message names the bucket/key and the cause. */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
