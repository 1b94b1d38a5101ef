package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The desired state of a job in the spec.
 */
public enum JobState {
    /** The job should run. */
    @JsonProperty("running")
    RUNNING,
    /** The job should be stopped (per upgradeMode) and its cluster removed. */
    @JsonProperty("suspended")
    SUSPENDED;
}
