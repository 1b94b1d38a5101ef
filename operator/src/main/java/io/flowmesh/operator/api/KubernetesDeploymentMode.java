package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Who creates the TaskManager pods.
 */
public enum KubernetesDeploymentMode {
    /** The JobManager creates and deletes TaskManager pods through the Kubernetes API. */
    @JsonProperty("native")
    NATIVE,
    /** The operator runs the TaskManagers as a Deployment of taskManager.replicas pods. */
    @JsonProperty("standalone")
    STANDALONE;
}
