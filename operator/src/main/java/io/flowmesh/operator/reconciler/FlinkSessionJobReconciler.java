package io.flowmesh.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowmesh.operator.api.FlinkDeployment;
import io.flowmesh.operator.api.FlinkSessionJob;
import io.flowmesh.operator.api.FlinkSessionJobSpec;
import io.flowmesh.operator.api.FlinkSessionJobStatus;
import io.flowmesh.operator.api.JobSpec;
import io.flowmesh.operator.api.JobState;
import io.flowmesh.operator.api.JobStatus;
import io.flowmesh.operator.api.ReconciliationState;
import io.flowmesh.operator.api.ReconciliationStatus;
import io.flowmesh.operator.api.ResourceLifecycleState;
import io.flowmesh.operator.api.UpgradeMode;
import io.flowmesh.operator.config.OperatorOptions;
import io.flowmesh.operator.service.ClusterId;
import io.flowmesh.operator.service.ClusterServiceException;
import io.flowmesh.operator.service.FlowmeshClusterService;
import io.flowmesh.operator.service.JobSubmission;
import io.flowmesh.operator.validation.FlinkResourceValidator;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reconciles a {@link FlinkSessionJob}: a job on the session cluster of the FlinkDeployment named
 * by {@code spec.deploymentName} in the same namespace. Same contract as
 * {@link FlinkDeploymentReconciler} (one step per call, status patched, Events per transition,
 * {@link Context} unused), without a cluster of its own: a spec change stops the job as
 * {@code upgradeMode} asks (stateless or savepoint; the Flink operator does not support last-state
 * for session jobs) and submits the new one once the session cluster is ready.
 */
public class FlinkSessionJobReconciler implements Reconciler<FlinkSessionJob>, Cleaner<FlinkSessionJob> {
    private final KubernetesClient client;
    private final FlowmeshClusterService service;
    private final EventRecorder events;
    private final JobOperations jobs;
    private final FlinkResourceValidator validator = new FlinkResourceValidator();

    @Inject
    public FlinkSessionJobReconciler(KubernetesClient client, FlowmeshClusterService service, Clock clock) {
        this.client = client;
        this.service = service;
        this.events = new EventRecorder(client, clock);
        this.jobs = new JobOperations(service, events, clock);
        this.clock = clock;
    }

    private final Clock clock;

    @Override
    public UpdateControl<FlinkSessionJob> reconcile(FlinkSessionJob sj, Context<FlinkSessionJob> context) {
        if (sj.getStatus() == null) {
            sj.setStatus(new FlinkSessionJobStatus());
        }
        FlinkSessionJobStatus status = sj.getStatus();
        ResourceLifecycleState before = status.getLifecycleState();
        String previousError = status.getError();
        status.setError(null);
        try {
            step(sj, previousError);
        } catch (UpgradeException e) {
            reportError(sj, previousError, "UpgradeError", e.getMessage());
        } catch (ClusterServiceException e) {
            reportError(sj, previousError, "ClusterError", e.getMessage());
        }
        status.setLifecycleState(lifecycle(status));
        if (status.getLifecycleState() != before) {
            events.normal(sj, "LifecycleStateChanged", "Lifecycle state changed from " + before + " to " + status.getLifecycleState());
        }
        return UpdateControl.patchStatus(sj).rescheduleAfter(status.getLifecycleState() == ResourceLifecycleState.STABLE
                ? FlinkDeploymentReconciler.RECONCILE_INTERVAL_MS : FlinkDeploymentReconciler.PROGRESS_CHECK_MS);
    }

    private void step(FlinkSessionJob sj, String previousError) {
        FlinkSessionJobStatus status = sj.getStatus();
        ReconciliationStatus rs = status.getReconciliationStatus();
        FlinkSessionJobSpec spec = sj.getSpec();
        FlinkSessionJobSpec lastSpec = SpecJson.read(rs.getLastReconciledSpec(), FlinkSessionJobSpec.class);
        String namespace = sj.getMetadata().getNamespace();
        FlinkDeployment session = spec.getDeploymentName() == null ? null
                : client.resources(FlinkDeployment.class).inNamespace(namespace).withName(spec.getDeploymentName()).get();
        Optional<String> invalid = validator.validateSessionJob(spec, session == null ? null : session.getSpec(), lastSpec);
        if (invalid.isPresent()) {
            reportError(sj, previousError, "ValidationError", invalid.get());
            if (lastSpec != null) {
                observe(sj, lastSpec, options(session, lastSpec));
            }
            return;
        }
        OperatorOptions options = options(session, spec);
        ClusterId cluster = new ClusterId(namespace, spec.getDeploymentName());
        JobStatus js = status.getJobStatus();
        if (lastSpec == null) {
            markReconciled(sj);
            rs.setState(ReconciliationState.DEPLOYED);
            js.setState(suspended(spec) ? JobOperations.SUSPENDED : JobOperations.RECONCILING);
            js.setUpgradeSavepointPath(spec.getJob().getInitialSavepointPath());
            events.normal(sj, "Submit", suspended(spec) ? "Created suspended: nothing submitted"
                    : "The job is submitted to session cluster " + cluster + " once it is ready");
            observe(sj, spec, options);
            return;
        }
        if (rs.getState() == ReconciliationState.UPGRADING) {
            if (SpecJson.upgradeNeeded(spec, rs.getLastReconciledSpec())) {
                markReconciled(sj);
            }
            rs.setState(ReconciliationState.DEPLOYED);
            if (upgradeMode(spec.getJob()) == UpgradeMode.STATELESS) {
                js.setUpgradeSavepointPath(null);
            }
            observe(sj, SpecJson.read(rs.getLastReconciledSpec(), FlinkSessionJobSpec.class), options);
            return;
        }
        observe(sj, lastSpec, options);
        if (SpecJson.upgradeNeeded(spec, rs.getLastReconciledSpec())) {
            boolean wasSuspended = suspended(lastSpec);
            if (!wasSuspended) {
                String restore = jobs.stopJob(sj, cluster, js, upgradeMode(spec.getJob()), options);
                js.setJobId(null);
                js.setUpgradeSavepointPath(restore);
            }
            markReconciled(sj);
            if (suspended(spec)) {
                js.setState(JobOperations.SUSPENDED);
                rs.setState(ReconciliationState.DEPLOYED);
                if (!wasSuspended) {
                    events.normal(sj, "Suspended", "Job suspended" + (js.getUpgradeSavepointPath() == null ? ""
                            : "; it will resume from " + js.getUpgradeSavepointPath()));
                }
            } else {
                js.setState(JobOperations.RECONCILING);
                rs.setState(ReconciliationState.UPGRADING);
                events.normal(sj, "SpecChanged", wasSuspended ? "Resuming the job"
                        : "Spec changed: the old job is stopped, the new one is submitted next");
            }
            return;
        }
        Long specNonce = spec.getJob().getSavepointTriggerNonce();
        if (jobs.triggerSavepointIfDue(sj, cluster, js, options, specNonce, lastSpec.getJob().getSavepointTriggerNonce())) {
            boolean stable = Objects.equals(rs.getLastStableSpec(), rs.getLastReconciledSpec());
            lastSpec.getJob().setSavepointTriggerNonce(specNonce);
            rs.setLastReconciledSpec(SpecJson.write(lastSpec));
            if (stable) {
                rs.setLastStableSpec(rs.getLastReconciledSpec());
            }
        }
    }

    /** Submits the job once the session cluster is ready, then follows it. */
    private void observe(FlinkSessionJob sj, FlinkSessionJobSpec deployed, OperatorOptions options) {
        FlinkSessionJobStatus status = sj.getStatus();
        ReconciliationStatus rs = status.getReconciliationStatus();
        JobStatus js = status.getJobStatus();
        if (suspended(deployed) || rs.getState() == ReconciliationState.UPGRADING) {
            return;
        }
        ClusterId cluster = new ClusterId(sj.getMetadata().getNamespace(), deployed.getDeploymentName());
        JobSpec job = deployed.getJob();
        if (js.getJobId() == null) {
            if (!service.isJobManagerReady(cluster)) {
                return;
            }
            String jobId = service.submitJob(cluster, new JobSubmission(job.getJarURI(), job.getEntryClass(),
                    job.getArgs() == null ? List.of() : job.getArgs(), job.getParallelism(), options.asMap(),
                    js.getUpgradeSavepointPath(), Boolean.TRUE.equals(job.getAllowNonRestoredState())));
            js.setJobId(jobId);
            events.normal(sj, "Submit", "Job " + jobId + " submitted to session cluster " + cluster
                    + (js.getUpgradeSavepointPath() == null ? "" : ", restoring from " + js.getUpgradeSavepointPath()));
        }
        jobs.observeJob(sj, cluster, js);
        jobs.observeSavepoint(sj, cluster, js, job.getSavepointTriggerNonce(), options);
        if (JobOperations.RUNNING.equals(js.getState()) && !Objects.equals(rs.getLastStableSpec(), rs.getLastReconciledSpec())) {
            rs.setLastStableSpec(rs.getLastReconciledSpec());
        }
    }

    @Override
    public DeleteControl cleanup(FlinkSessionJob sj, Context<FlinkSessionJob> context) {
        if (sj.getStatus() == null) {
            return DeleteControl.defaultDelete();
        }
        FlinkSessionJobStatus status = sj.getStatus();
        JobStatus js = status.getJobStatus();
        FlinkSessionJobSpec deployed = SpecJson.read(status.getReconciliationStatus().getLastReconciledSpec(), FlinkSessionJobSpec.class);
        status.setLifecycleState(ResourceLifecycleState.DELETING);
        events.normal(sj, "Cleanup", "Deleting session job " + sj.getMetadata().getName());
        if (deployed != null && js.getJobId() != null && !JobOperations.isTerminal(js.getState())) {
            ClusterId cluster = new ClusterId(sj.getMetadata().getNamespace(), deployed.getDeploymentName());
            FlinkDeployment session = client.resources(FlinkDeployment.class).inNamespace(cluster.namespace()).withName(cluster.name()).get();
            OperatorOptions options = options(session, deployed);
            boolean savepoint = options.savepointOnDeletion() && JobOperations.RUNNING.equals(js.getState()) && options.savepointDir().isPresent();
            try {
                jobs.stopJob(sj, cluster, js, savepoint ? UpgradeMode.SAVEPOINT : UpgradeMode.STATELESS, options);
            } catch (ClusterServiceException | UpgradeException e) {
                events.warning(sj, "CleanupFailed", "Stopping job " + js.getJobId() + " failed: " + e.getMessage());
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(FlinkDeploymentReconciler.PROGRESS_CHECK_MS);
            }
        }
        status.setLifecycleState(ResourceLifecycleState.DELETED);
        return DeleteControl.defaultDelete();
    }

    private static OperatorOptions options(FlinkDeployment session, FlinkSessionJobSpec spec) {
        return new OperatorOptions(FlinkResourceValidator.effectiveConfiguration(session == null ? null : session.getSpec(), spec));
    }

    private void reportError(FlinkSessionJob sj, String previousError, String reason, String message) {
        if (!message.equals(previousError)) {
            events.warning(sj, reason, message);
        }
        sj.getStatus().setError(message);
    }

    private void markReconciled(FlinkSessionJob sj) {
        ReconciliationStatus rs = sj.getStatus().getReconciliationStatus();
        rs.setLastReconciledSpec(SpecJson.write(sj.getSpec()));
        rs.setReconciliationTimestamp(clock.millis());
        sj.getStatus().setObservedGeneration(sj.getMetadata().getGeneration());
    }

    private static boolean suspended(FlinkSessionJobSpec spec) {
        return spec.getJob() != null && spec.getJob().getState() == JobState.SUSPENDED;
    }

    private static UpgradeMode upgradeMode(JobSpec job) {
        return job == null || job.getUpgradeMode() == null ? UpgradeMode.STATELESS : job.getUpgradeMode();
    }

    static ResourceLifecycleState lifecycle(FlinkSessionJobStatus status) {
        ReconciliationStatus rs = status.getReconciliationStatus();
        String state = status.getJobStatus().getState();
        if (rs.getLastReconciledSpec() == null) {
            return ResourceLifecycleState.CREATED;
        }
        if (rs.getState() == ReconciliationState.UPGRADING) {
            return ResourceLifecycleState.UPGRADING;
        }
        if (JobOperations.SUSPENDED.equals(state)) {
            return ResourceLifecycleState.SUSPENDED;
        }
        if ("FAILED".equals(state)) {
            return ResourceLifecycleState.FAILED;
        }
        return Objects.equals(rs.getLastStableSpec(), rs.getLastReconciledSpec())
                ? ResourceLifecycleState.STABLE : ResourceLifecycleState.DEPLOYED;
    }
}
