package io.flowmesh.operator.service;

import io.flowmesh.operator.api.FlinkDeployment;
import io.flowmesh.operator.api.FlinkDeploymentSpec;
import java.util.Optional;

/**
 * The reconcilers' only way to act on a Flowmesh cluster: its Kubernetes objects and the dispatcher's
 * job API (the role of the Flink operator's {@code FlinkService}). The reconcilers call it from their
 * reconcile thread, one call at a time per resource; every call either completes or throws
 * {@link ClusterServiceException} naming the cluster and the job. {@link KubernetesClusterService}
 * is the real one; tests use an in-memory one.
 */
public interface FlowmeshClusterService {

    /**
     * Creates or replaces the cluster's Kubernetes objects for {@code spec} (dispatcher, JobManager,
     * checkpoint coordinator and, in standalone mode, TaskManagers), owned by {@code deployment}.
     * Returns at once; {@link #isJobManagerReady} says when the cluster serves.
     */
    void deployCluster(FlinkDeployment deployment, FlinkDeploymentSpec spec);

    /**
     * Removes the cluster's Kubernetes objects; with {@code deleteHaData} also its HA metadata
     * (kept for a last-state upgrade or suspend).
     */
    void deleteCluster(ClusterId cluster, boolean deleteHaData);

    /** The JobManager and dispatcher pods are ready (and so the dispatcher takes jobs). */
    boolean isJobManagerReady(ClusterId cluster);

    /** Submits a job; returns its job id. */
    String submitJob(ClusterId cluster, JobSubmission submission);

    /** Cancels a job (no savepoint). A job already terminal is not an error. */
    void cancelJob(ClusterId cluster, String jobId);

    /**
     * Stops a job with a savepoint into {@code savepointDir} and waits for it; returns the savepoint's
     * location.
     */
    String stopWithSavepoint(ClusterId cluster, String jobId, String savepointDir);

    /** Starts a savepoint into {@code savepointDir}; returns its trigger id for {@link #getSavepointStatus}. */
    String triggerSavepoint(ClusterId cluster, String jobId, String savepointDir);

    SavepointResult getSavepointStatus(ClusterId cluster, String jobId, String triggerId);

    /** The job as the dispatcher knows it; empty when the dispatcher does not know the id. */
    Optional<JobInfo> getJobStatus(ClusterId cluster, String jobId);

    /** The job's latest completed checkpoint (or savepoint), if any. */
    Optional<CheckpointView> latestCheckpoint(ClusterId cluster, String jobId);

    /** Deletes a savepoint's files (history retention). */
    void disposeSavepoint(ClusterId cluster, String location);
}
