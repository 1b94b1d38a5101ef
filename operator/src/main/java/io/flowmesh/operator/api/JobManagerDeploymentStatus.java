package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The JobManager's Kubernetes deployment as last observed.
 */
public enum JobManagerDeploymentStatus {
    /** JobManager and dispatcher pods are ready. */
    @JsonProperty("READY")
    READY,
    /** Ready once, checked again. */
    @JsonProperty("DEPLOYED_NOT_READY")
    DEPLOYED_NOT_READY,
    /** Created, not ready yet. */
    @JsonProperty("DEPLOYING")
    DEPLOYING,
    /** No JobManager deployment exists. */
    @JsonProperty("MISSING")
    MISSING,
    /** The deployment could not be created or failed. */
    @JsonProperty("ERROR")
    ERROR;
}
