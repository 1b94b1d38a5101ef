package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PrinterColumn;

/**
 * What FlinkDeployment and FlinkSessionJob statuses share.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class CommonStatus {
    /** The job. */
    private JobStatus jobStatus = new JobStatus();
    /** The last error (validation, deployment, savepoint), naming the problem; absent when none. */
    private String error;
    /** metadata.generation of the spec last reconciled. */
    private Long observedGeneration;
    /** Lifecycle state. */
    @PrinterColumn(name = "Lifecycle State")
    private ResourceLifecycleState lifecycleState;
    /** Reconciliation. */
    private ReconciliationStatus reconciliationStatus = new ReconciliationStatus();

    public JobStatus getJobStatus() { return jobStatus; }
    public void setJobStatus(JobStatus jobStatus) { this.jobStatus = jobStatus; }
    public String getError() { return error; }
    public void setError(String error) { this.error = error; }
    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public ResourceLifecycleState getLifecycleState() { return lifecycleState; }
    public void setLifecycleState(ResourceLifecycleState lifecycleState) { this.lifecycleState = lifecycleState; }
    public ReconciliationStatus getReconciliationStatus() { return reconciliationStatus; }
    public void setReconciliationStatus(ReconciliationStatus reconciliationStatus) { this.reconciliationStatus = reconciliationStatus; }
}
