package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where the reconciler is with the last reconciled spec (status.reconciliationStatus.state).
 */
public enum ReconciliationState {
    /** lastReconciledSpec is deployed. */
    @JsonProperty("DEPLOYED")
    DEPLOYED,
    /** The old deployment is stopped; lastReconciledSpec is to be deployed. */
    @JsonProperty("UPGRADING")
    UPGRADING,
    /** Going back to lastStableSpec. */
    @JsonProperty("ROLLING_BACK")
    ROLLING_BACK,
    /** lastStableSpec is deployed after a rollback. */
    @JsonProperty("ROLLED_BACK")
    ROLLED_BACK;
}
