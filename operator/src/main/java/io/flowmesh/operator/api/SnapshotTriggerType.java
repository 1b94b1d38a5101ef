package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What triggered a savepoint or checkpoint.
 */
public enum SnapshotTriggerType {
    /** A new job.savepointTriggerNonce. */
    @JsonProperty("MANUAL")
    MANUAL,
    /** kubernetes.operator.periodic.savepoint.interval. */
    @JsonProperty("PERIODIC")
    PERIODIC,
    /** Stop with savepoint for an upgrade, suspend or deletion. */
    @JsonProperty("UPGRADE")
    UPGRADE,
    /** Not known (e.g. a checkpoint the job took itself). */
    @JsonProperty("UNKNOWN")
    UNKNOWN;
}
