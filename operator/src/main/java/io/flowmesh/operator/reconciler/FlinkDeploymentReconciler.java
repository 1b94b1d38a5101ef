package io.flowmesh.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowmesh.operator.api.FlinkDeployment;
import io.flowmesh.operator.api.FlinkDeploymentSpec;
import io.flowmesh.operator.api.FlinkDeploymentStatus;
import io.flowmesh.operator.api.FlinkSessionJob;
import io.flowmesh.operator.api.JobManagerDeploymentStatus;
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
 * Reconciles a {@link FlinkDeployment} with the Flink Kubernetes Operator's semantics.
 *
 * <p>Each call runs on JOSDK's reconcile thread for this resource (never two at once for one
 * resource) and does one step, then patches the status and asks to be called again:
 * <ol>
 *   <li>validate the spec; an invalid one is reported ({@code status.error}, Event
 *       {@code ValidationError}) while the last reconciled spec keeps running;</li>
 *   <li>observe what runs: JobManager readiness, the job (submitting it once the cluster is ready),
 *       its checkpoints and the savepoint in progress; mark the spec stable
 *       ({@code lastStableSpec}) once the job runs (or, for a session cluster, the JobManager is ready);</li>
 *   <li>act on the spec: first deployment; a changed spec stops the old job as its
 *       {@code upgradeMode} asks ({@code UPGRADING}) and deploys the new one on the next call;
 *       {@code job.state: suspended} stops it and removes the cluster ({@code SUSPENDED}); a spec that
 *       is not stable within {@code kubernetes.operator.deployment.readiness.timeout} is rolled back to
 *       {@code lastStableSpec} when {@code kubernetes.operator.deployment.rollback.enabled};</li>
 *   <li>savepoints: manual by a new {@code job.savepointTriggerNonce}, periodic by
 *       {@code kubernetes.operator.periodic.savepoint.interval}, history trimmed.</li>
 * </ol>
 * {@link #reconcile} and {@link #cleanup} do not use their {@link Context}: tests call them with
 * {@code null}. Every lifecycle transition is also an Event ({@code LifecycleStateChanged}).
 */
public class FlinkDeploymentReconciler implements Reconciler<FlinkDeployment>, Cleaner<FlinkDeployment> {
    /** Re-check interval while something progresses (Flink: kubernetes.operator.observer.progress-check.interval). */
    static final long PROGRESS_CHECK_MS = 10_000;
    /** Re-check interval when stable (Flink: kubernetes.operator.reconcile.interval). */
    static final long RECONCILE_INTERVAL_MS = 60_000;

    private final KubernetesClient client;
    private final FlowmeshClusterService service;
    private final EventRecorder events;
    private final JobOperations jobs;
    private final Clock clock;
    private final FlinkResourceValidator validator = new FlinkResourceValidator();

    @Inject
    public FlinkDeploymentReconciler(KubernetesClient client, FlowmeshClusterService service, Clock clock) {
        this.client = client;
        this.service = service;
        this.clock = clock;
        this.events = new EventRecorder(client, clock);
        this.jobs = new JobOperations(service, events, clock);
    }

    @Override
    public UpdateControl<FlinkDeployment> reconcile(FlinkDeployment dep, Context<FlinkDeployment> context) {
        if (dep.getStatus() == null) {
            dep.setStatus(new FlinkDeploymentStatus());
        }
        FlinkDeploymentStatus status = dep.getStatus();
        ResourceLifecycleState before = status.getLifecycleState();
        String previousError = status.getError();
        status.setError(null);
        long reschedule;
        try {
            reschedule = step(dep, previousError);
        } catch (UpgradeException e) {
            reportError(dep, previousError, "UpgradeError", e.getMessage());
            reschedule = PROGRESS_CHECK_MS;
        } catch (ClusterServiceException e) {
            reportError(dep, previousError, "ClusterError", e.getMessage());
            reschedule = PROGRESS_CHECK_MS;
        }
        status.setLifecycleState(lifecycle(status));
        if (status.getLifecycleState() != before) {
            String message = "Lifecycle state changed from " + before + " to " + status.getLifecycleState();
            if (status.getLifecycleState() == ResourceLifecycleState.FAILED) {
                events.warning(dep, "LifecycleStateChanged", message);
            } else {
                events.normal(dep, "LifecycleStateChanged", message);
            }
        }
        return UpdateControl.patchStatus(dep).rescheduleAfter(reschedule);
    }

    private long step(FlinkDeployment dep, String previousError) {
        FlinkDeploymentStatus status = dep.getStatus();
        ReconciliationStatus rs = status.getReconciliationStatus();
        FlinkDeploymentSpec spec = dep.getSpec();
        ClusterId cluster = ClusterId.of(dep);
        FlinkDeploymentSpec lastSpec = SpecJson.read(rs.getLastReconciledSpec(), FlinkDeploymentSpec.class);

        Optional<String> invalid = validator.validateDeployment(dep.getMetadata().getName(), spec, lastSpec);
        if (invalid.isPresent()) {
            reportError(dep, previousError, "ValidationError", invalid.get());
            if (lastSpec == null) {
                return PROGRESS_CHECK_MS;
            }
            if (rs.getState() == ReconciliationState.UPGRADING || rs.getState() == ReconciliationState.ROLLING_BACK) {
                return deployPending(dep, cluster, false); // the old job is stopped: deploy the last valid spec
            }
            observe(dep, cluster);
            triggerSnapshots(dep, cluster, null);
            return PROGRESS_CHECK_MS;
        }

        if (lastSpec == null) {
            return firstDeployment(dep, cluster);
        }
        if (rs.getState() == ReconciliationState.UPGRADING || rs.getState() == ReconciliationState.ROLLING_BACK) {
            return deployPending(dep, cluster, true);
        }
        observe(dep, cluster);
        if (SpecJson.upgradeNeeded(spec, rs.getLastReconciledSpec())) {
            return applySpecChange(dep, cluster, lastSpec);
        }
        if (rollbackIfDue(dep, cluster)) {
            return 0;
        }
        triggerSnapshots(dep, cluster, lastSpec);
        return status.getLifecycleState() == ResourceLifecycleState.STABLE ? RECONCILE_INTERVAL_MS : PROGRESS_CHECK_MS;
    }

    private long firstDeployment(FlinkDeployment dep, ClusterId cluster) {
        FlinkDeploymentSpec spec = dep.getSpec();
        FlinkDeploymentStatus status = dep.getStatus();
        ReconciliationStatus rs = status.getReconciliationStatus();
        if (suspended(spec)) {
            status.getJobStatus().setState(JobOperations.SUSPENDED);
            events.normal(dep, "Suspended", "Created suspended: nothing deployed");
        } else {
            deploy(dep, cluster, spec, spec.getJob() == null ? null : spec.getJob().getInitialSavepointPath());
        }
        markReconciled(dep);
        rs.setState(ReconciliationState.DEPLOYED);
        return suspended(spec) ? RECONCILE_INTERVAL_MS : PROGRESS_CHECK_MS;
    }

    /** Deploys the cluster for {@code spec}; the job is submitted once the JobManager is ready. */
    private void deploy(FlinkDeployment dep, ClusterId cluster, FlinkDeploymentSpec spec, String restorePath) {
        FlinkDeploymentStatus status = dep.getStatus();
        JobStatus js = status.getJobStatus();
        service.deployCluster(dep, spec);
        js.setJobId(null);
        js.setState(spec.getJob() == null ? null : JobOperations.RECONCILING);
        js.setUpgradeSavepointPath(restorePath);
        status.setJobManagerDeploymentStatus(JobManagerDeploymentStatus.DEPLOYING);
        status.getReconciliationStatus().setReconciliationTimestamp(clock.millis());
        events.normal(dep, "Submit", "Deploying " + (spec.getJob() == null ? "session cluster" : "application cluster")
                + " " + cluster + (restorePath == null ? "" : ", the job restores from " + restorePath));
    }

    /** The old deployment is stopped: deploy the new spec (UPGRADING) or the last stable one (ROLLING_BACK). */
    private long deployPending(FlinkDeployment dep, ClusterId cluster, boolean adoptCurrentSpec) {
        FlinkDeploymentStatus status = dep.getStatus();
        ReconciliationStatus rs = status.getReconciliationStatus();
        JobStatus js = status.getJobStatus();
        if (rs.getState() == ReconciliationState.ROLLING_BACK) {
            FlinkDeploymentSpec stable = SpecJson.read(rs.getLastStableSpec(), FlinkDeploymentSpec.class);
            deploy(dep, cluster, stable, js.getUpgradeSavepointPath());
            rs.setState(ReconciliationState.ROLLED_BACK);
            events.warning(dep, "Rollback", "Rolled back to the last stable spec");
            return PROGRESS_CHECK_MS;
        }
        if (adoptCurrentSpec && SpecJson.upgradeNeeded(dep.getSpec(), rs.getLastReconciledSpec())) {
            markReconciled(dep); // a newer valid spec arrived while upgrading: deploy that one
        }
        FlinkDeploymentSpec spec = SpecJson.read(rs.getLastReconciledSpec(), FlinkDeploymentSpec.class);
        String restore = spec.getJob() == null || upgradeMode(spec) == UpgradeMode.STATELESS ? null : js.getUpgradeSavepointPath();
        deploy(dep, cluster, spec, restore);
        rs.setState(ReconciliationState.DEPLOYED);
        return PROGRESS_CHECK_MS;
    }

    private long applySpecChange(FlinkDeployment dep, ClusterId cluster, FlinkDeploymentSpec lastSpec) {
        FlinkDeploymentSpec spec = dep.getSpec();
        FlinkDeploymentStatus status = dep.getStatus();
        ReconciliationStatus rs = status.getReconciliationStatus();
        JobStatus js = status.getJobStatus();
        boolean wasSuspended = suspended(lastSpec);
        boolean suspend = suspended(spec);
        if (!wasSuspended) {
            UpgradeMode mode = spec.getJob() == null ? UpgradeMode.STATELESS : upgradeMode(spec);
            String restore = spec.getJob() == null ? null
                    : jobs.stopJob(dep, cluster, js, mode, new OperatorOptions(spec.getFlinkConfiguration()));
            service.deleteCluster(cluster, mode != UpgradeMode.LAST_STATE);
            js.setJobId(null);
            js.setUpgradeSavepointPath(restore);
            status.setJobManagerDeploymentStatus(JobManagerDeploymentStatus.MISSING);
        }
        markReconciled(dep);
        if (suspend) {
            rs.setState(ReconciliationState.DEPLOYED);
            js.setState(JobOperations.SUSPENDED);
            if (!wasSuspended) {
                events.normal(dep, "Suspended", "Job suspended (" + upgradeMode(spec).name().toLowerCase().replace('_', '-')
                        + ")" + (js.getUpgradeSavepointPath() == null ? "" : "; it will resume from " + js.getUpgradeSavepointPath()));
            }
            return RECONCILE_INTERVAL_MS;
        }
        rs.setState(ReconciliationState.UPGRADING);
        js.setState(spec.getJob() == null ? null : JobOperations.RECONCILING);
        events.normal(dep, "SpecChanged", wasSuspended ? "Resuming the job"
                : "Spec changed: the old deployment is stopped (" + (spec.getJob() == null ? "session" : upgradeMode(spec).name())
                + "), the new one is deployed next");
        return 0;
    }

    /** Observes the deployed cluster and job; submits the job once the JobManager is ready. */
    private void observe(FlinkDeployment dep, ClusterId cluster) {
        FlinkDeploymentStatus status = dep.getStatus();
        ReconciliationStatus rs = status.getReconciliationStatus();
        JobStatus js = status.getJobStatus();
        FlinkDeploymentSpec deployed = deployedSpec(status);
        if (deployed == null || suspended(deployed)) {
            return;
        }
        boolean ready = service.isJobManagerReady(cluster);
        JobManagerDeploymentStatus jm = status.getJobManagerDeploymentStatus();
        status.setJobManagerDeploymentStatus(ready ? JobManagerDeploymentStatus.READY
                : jm == JobManagerDeploymentStatus.READY || jm == JobManagerDeploymentStatus.DEPLOYED_NOT_READY
                        ? JobManagerDeploymentStatus.DEPLOYED_NOT_READY : JobManagerDeploymentStatus.DEPLOYING);
        OperatorOptions options = new OperatorOptions(deployed.getFlinkConfiguration());
        if (deployed.getJob() != null && ready && js.getJobId() == null) {
            var job = deployed.getJob();
            String jobId = service.submitJob(cluster, new JobSubmission(job.getJarURI(), job.getEntryClass(),
                    job.getArgs() == null ? List.of() : job.getArgs(), job.getParallelism(), options.asMap(),
                    js.getUpgradeSavepointPath(), Boolean.TRUE.equals(job.getAllowNonRestoredState())));
            js.setJobId(jobId);
            events.normal(dep, "Submit", "Job " + jobId + " submitted from " + job.getJarURI()
                    + (js.getUpgradeSavepointPath() == null ? "" : ", restoring from " + js.getUpgradeSavepointPath()));
        }
        jobs.observeJob(dep, cluster, js);
        jobs.observeSavepoint(dep, cluster, js, deployed.getJob() == null ? null : deployed.getJob().getSavepointTriggerNonce(), options);
        boolean healthy = ready && (deployed.getJob() == null || JobOperations.RUNNING.equals(js.getState()));
        if (healthy && rs.getState() == ReconciliationState.DEPLOYED
                && !Objects.equals(rs.getLastStableSpec(), rs.getLastReconciledSpec())) {
            rs.setLastStableSpec(rs.getLastReconciledSpec());
            events.normal(dep, "DeploymentStable", "The deployed spec is stable"
                    + (deployed.getJob() == null ? " (JobManager ready)" : " (job " + js.getJobId() + " RUNNING)"));
        }
    }

    /** Rolls back when the deployed spec is not stable within the readiness timeout. */
    private boolean rollbackIfDue(FlinkDeployment dep, ClusterId cluster) {
        FlinkDeploymentStatus status = dep.getStatus();
        ReconciliationStatus rs = status.getReconciliationStatus();
        FlinkDeploymentSpec deployed = deployedSpec(status);
        OperatorOptions options = new OperatorOptions(deployed.getFlinkConfiguration());
        if (rs.getState() != ReconciliationState.DEPLOYED || !options.rollbackEnabled() || rs.getLastStableSpec() == null
                || rs.getLastStableSpec().equals(rs.getLastReconciledSpec()) || suspended(deployed)
                || clock.millis() - rs.getReconciliationTimestamp() < options.readinessTimeout().toMillis()) {
            return false;
        }
        JobStatus js = status.getJobStatus();
        events.warning(dep, "Rollback", "The spec deployed at " + rs.getReconciliationTimestamp() + " did not become stable within "
                + options.readinessTimeout() + " (" + OperatorOptions.READINESS_TIMEOUT + "): rolling back to the last stable spec");
        String restore = deployed.getJob() == null ? null
                : jobs.stopJob(dep, cluster, js, UpgradeMode.LAST_STATE, options);
        service.deleteCluster(cluster, false);
        js.setJobId(null);
        js.setUpgradeSavepointPath(restore);
        status.setJobManagerDeploymentStatus(JobManagerDeploymentStatus.MISSING);
        rs.setState(ReconciliationState.ROLLING_BACK);
        return true;
    }

    private void triggerSnapshots(FlinkDeployment dep, ClusterId cluster, FlinkDeploymentSpec lastSpec) {
        FlinkDeploymentStatus status = dep.getStatus();
        FlinkDeploymentSpec deployed = deployedSpec(status);
        if (deployed == null || deployed.getJob() == null) {
            return;
        }
        OperatorOptions options = new OperatorOptions(deployed.getFlinkConfiguration());
        // lastSpec == null: the new spec is invalid, so its nonce is not acted on
        Long specNonce = lastSpec == null || dep.getSpec().getJob() == null ? null : dep.getSpec().getJob().getSavepointTriggerNonce();
        Long reconciledNonce = lastSpec == null || lastSpec.getJob() == null ? null : lastSpec.getJob().getSavepointTriggerNonce();
        if (jobs.triggerSavepointIfDue(dep, cluster, status.getJobStatus(), options, specNonce, reconciledNonce)) {
            // record the nonce as reconciled (it needs no upgrade); a stable spec stays stable
            ReconciliationStatus rs = status.getReconciliationStatus();
            boolean stable = Objects.equals(rs.getLastStableSpec(), rs.getLastReconciledSpec());
            lastSpec.getJob().setSavepointTriggerNonce(specNonce);
            rs.setLastReconciledSpec(SpecJson.write(lastSpec));
            if (stable) {
                rs.setLastStableSpec(rs.getLastReconciledSpec());
            }
        }
    }

    @Override
    public DeleteControl cleanup(FlinkDeployment dep, Context<FlinkDeployment> context) {
        if (dep.getStatus() == null) {
            dep.setStatus(new FlinkDeploymentStatus());
        }
        FlinkDeploymentStatus status = dep.getStatus();
        ClusterId cluster = ClusterId.of(dep);
        if (dep.getSpec().getJob() == null) {
            List<String> sessionJobs = client.resources(FlinkSessionJob.class).inNamespace(cluster.namespace()).list().getItems()
                    .stream().filter(j -> j.getSpec() != null && cluster.name().equals(j.getSpec().getDeploymentName()))
                    .map(j -> j.getMetadata().getName()).toList();
            if (!sessionJobs.isEmpty()) {
                events.warning(dep, "Cleanup", "The session jobs " + sessionJobs + " must be deleted before the session cluster");
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(PROGRESS_CHECK_MS);
            }
        }
        status.setLifecycleState(ResourceLifecycleState.DELETING);
        events.normal(dep, "Cleanup", "Deleting cluster " + cluster);
        FlinkDeploymentSpec deployed = deployedSpec(status);
        try {
            JobStatus js = status.getJobStatus();
            if (deployed != null && deployed.getJob() != null && js.getJobId() != null && !JobOperations.isTerminal(js.getState())) {
                OperatorOptions options = new OperatorOptions(deployed.getFlinkConfiguration());
                boolean savepoint = options.savepointOnDeletion() && JobOperations.RUNNING.equals(js.getState())
                        && options.savepointDir().isPresent();
                jobs.stopJob(dep, cluster, js, savepoint ? UpgradeMode.SAVEPOINT : UpgradeMode.STATELESS, options);
            }
            service.deleteCluster(cluster, true);
        } catch (ClusterServiceException | UpgradeException e) {
            events.warning(dep, "CleanupFailed", "Deleting cluster " + cluster + " failed: " + e.getMessage());
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(PROGRESS_CHECK_MS);
        }
        status.setLifecycleState(ResourceLifecycleState.DELETED);
        return DeleteControl.defaultDelete();
    }

    /** Sets status.error; the Event only when the error is new (not on every re-check). */
    private void reportError(FlinkDeployment dep, String previousError, String reason, String message) {
        if (!message.equals(previousError)) {
            events.warning(dep, reason, message);
        }
        dep.getStatus().setError(message);
    }

    private void markReconciled(FlinkDeployment dep) {
        ReconciliationStatus rs = dep.getStatus().getReconciliationStatus();
        rs.setLastReconciledSpec(SpecJson.write(dep.getSpec()));
        rs.setReconciliationTimestamp(clock.millis());
        dep.getStatus().setObservedGeneration(dep.getMetadata().getGeneration());
    }

    /** What runs now: lastStableSpec after a rollback, else lastReconciledSpec. */
    static FlinkDeploymentSpec deployedSpec(FlinkDeploymentStatus status) {
        ReconciliationStatus rs = status.getReconciliationStatus();
        String json = rs.getState() == ReconciliationState.ROLLED_BACK || rs.getState() == ReconciliationState.ROLLING_BACK
                ? rs.getLastStableSpec() : rs.getLastReconciledSpec();
        return SpecJson.read(json, FlinkDeploymentSpec.class);
    }

    static boolean suspended(FlinkDeploymentSpec spec) {
        return spec.getJob() != null && spec.getJob().getState() == JobState.SUSPENDED;
    }

    static UpgradeMode upgradeMode(FlinkDeploymentSpec spec) {
        return spec.getJob() == null || spec.getJob().getUpgradeMode() == null ? UpgradeMode.STATELESS : spec.getJob().getUpgradeMode();
    }

    /** The Flink operator's lifecycle state, derived from the status. */
    static ResourceLifecycleState lifecycle(FlinkDeploymentStatus status) {
        ReconciliationStatus rs = status.getReconciliationStatus();
        if (rs.getLastReconciledSpec() == null) {
            return ResourceLifecycleState.CREATED;
        }
        switch (rs.getState()) {
            case UPGRADING:
                return ResourceLifecycleState.UPGRADING;
            case ROLLING_BACK:
                return ResourceLifecycleState.ROLLING_BACK;
            default:
                break;
        }
        if (JobOperations.SUSPENDED.equals(status.getJobStatus().getState()) && suspended(deployedSpec(status))) {
            return ResourceLifecycleState.SUSPENDED;
        }
        if ("FAILED".equals(status.getJobStatus().getState()) || status.getJobManagerDeploymentStatus() == JobManagerDeploymentStatus.ERROR) {
            return ResourceLifecycleState.FAILED;
        }
        if (rs.getState() == ReconciliationState.ROLLED_BACK) {
            return ResourceLifecycleState.ROLLED_BACK;
        }
        return Objects.equals(rs.getLastStableSpec(), rs.getLastReconciledSpec())
                ? ResourceLifecycleState.STABLE : ResourceLifecycleState.DEPLOYED;
    }
}
