package io.flowmesh.operator.service;

/** A cluster-side operation failed; the message names the cluster, the job and the operation. */
public class ClusterServiceException extends RuntimeException {
    public ClusterServiceException(String message) {
        super(message);
    }

    public ClusterServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
