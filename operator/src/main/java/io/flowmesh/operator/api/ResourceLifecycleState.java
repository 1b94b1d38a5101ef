package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The lifecycle of a FlinkDeployment or FlinkSessionJob as the Flink operator reports it in
 * status.lifecycleState.
 */
public enum ResourceLifecycleState {
    /** Accepted, nothing deployed yet. */
    @JsonProperty("CREATED")
    CREATED,
    /** The last spec is deployed but not yet stable. */
    @JsonProperty("DEPLOYED")
    DEPLOYED,
    /** The last spec is deployed and healthy (job RUNNING, or session cluster ready). */
    @JsonProperty("STABLE")
    STABLE,
    /** The old job is stopped; the new spec is about to be deployed. */
    @JsonProperty("UPGRADING")
    UPGRADING,
    /** Suspended by job.state: suspended; the cluster is removed. */
    @JsonProperty("SUSPENDED")
    SUSPENDED,
    /** The new spec did not become stable in time; going back to lastStableSpec. */
    @JsonProperty("ROLLING_BACK")
    ROLLING_BACK,
    /** Running lastStableSpec after a rollback, until the spec changes again. */
    @JsonProperty("ROLLED_BACK")
    ROLLED_BACK,
    /** The job failed, or the cluster could not be deployed. */
    @JsonProperty("FAILED")
    FAILED,
    /** The resource is being deleted. */
    @JsonProperty("DELETING")
    DELETING,
    /** Everything the resource owned is removed. */
    @JsonProperty("DELETED")
    DELETED;
}
