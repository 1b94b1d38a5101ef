package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a running job is stopped and restored on a spec change, suspend or rollback (Flink
 * operator's upgradeMode).
 */
public enum UpgradeMode {
    /** Cancel the job; the new one starts from empty state (or initialSavepointPath on first deploy). */
    @JsonProperty("stateless")
    STATELESS,
    /** Cancel the job keeping HA metadata; restore from the latest completed checkpoint. */
    @JsonProperty("last-state")
    LAST_STATE,
    /** Stop the job with a savepoint; restore from that savepoint. */
    @JsonProperty("savepoint")
    SAVEPOINT;
}
