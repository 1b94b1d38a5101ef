package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the operator last deployed and what last ran stably.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReconciliationStatus {
    /** When lastReconciledSpec was deployed, epoch millis. */
    private long reconciliationTimestamp;
    /** The spec last deployed, as JSON. */
    private String lastReconciledSpec;
    /** The last spec that became stable, as JSON. */
    private String lastStableSpec;
    /** Where the reconciler is. */
    private ReconciliationState state;

    public long getReconciliationTimestamp() { return reconciliationTimestamp; }
    public void setReconciliationTimestamp(long reconciliationTimestamp) { this.reconciliationTimestamp = reconciliationTimestamp; }
    public String getLastReconciledSpec() { return lastReconciledSpec; }
    public void setLastReconciledSpec(String lastReconciledSpec) { this.lastReconciledSpec = lastReconciledSpec; }
    public String getLastStableSpec() { return lastStableSpec; }
    public void setLastStableSpec(String lastStableSpec) { this.lastStableSpec = lastStableSpec; }
    public ReconciliationState getState() { return state; }
    public void setState(ReconciliationState state) { this.state = state; }
}
