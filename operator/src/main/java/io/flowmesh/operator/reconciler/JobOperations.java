package io.flowmesh.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.flowmesh.operator.api.Checkpoint;
import io.flowmesh.operator.api.JobStatus;
import io.flowmesh.operator.api.Savepoint;
import io.flowmesh.operator.api.SavepointInfo;
import io.flowmesh.operator.api.SnapshotFormatType;
import io.flowmesh.operator.api.SnapshotTriggerType;
import io.flowmesh.operator.api.UpgradeMode;
import io.flowmesh.operator.config.OperatorOptions;
import io.flowmesh.operator.service.ClusterId;
import io.flowmesh.operator.service.ClusterServiceException;
import io.flowmesh.operator.service.FlowmeshClusterService;
import io.flowmesh.operator.service.JobInfo;
import io.flowmesh.operator.service.SavepointResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What both reconcilers do to a job, on its {@link JobStatus}: observe it, stop it the way an upgrade
 * mode asks, trigger and observe savepoints (manual by nonce, periodic by interval), and trim the
 * savepoint history. Called on the reconcile thread of the resource that owns the status; it changes
 * that status in place and records an Event for each transition.
 */
final class JobOperations {
    static final String RUNNING = "RUNNING";
    static final String RECONCILING = "RECONCILING";
    static final String SUSPENDED = "SUSPENDED";
    private static final Set<String> TERMINAL = Set.of("FAILED", "CANCELED", "FINISHED", SUSPENDED);

    private final FlowmeshClusterService service;
    private final EventRecorder events;
    private final Clock clock;

    JobOperations(FlowmeshClusterService service, EventRecorder events, Clock clock) {
        this.service = service;
        this.events = events;
        this.clock = clock;
    }

    static boolean isTerminal(String state) {
        return state != null && TERMINAL.contains(state);
    }

    /** Updates the job's state, name, times and last checkpoint from the dispatcher. */
    void observeJob(HasMetadata resource, ClusterId cluster, JobStatus js) {
        if (js.getJobId() == null) {
            return;
        }
        Optional<JobInfo> info = service.getJobStatus(cluster, js.getJobId());
        if (info.isEmpty()) {
            return;
        }
        JobInfo job = info.get();
        if (!job.state().equals(js.getState())) {
            String message = "Job " + job.jobId() + " status changed from " + js.getState() + " to " + job.state()
                    + (job.failureCause() == null || job.failureCause().isEmpty() ? "" : ": " + job.failureCause());
            if (job.state().equals("FAILED")) {
                events.warning(resource, "JobStatusChanged", message);
            } else {
                events.normal(resource, "JobStatusChanged", message);
            }
        }
        js.setState(job.state());
        js.setJobName(job.jobName());
        js.setStartTime(Long.toString(job.startTimeMs()));
        js.setUpdateTime(Long.toString(clock.millis()));
        service.latestCheckpoint(cluster, job.jobId()).ifPresent(cp -> {
            Checkpoint c = new Checkpoint();
            c.setTimeStamp(cp.completedAtMs());
            c.setLocation(cp.location());
            c.setTriggerType(SnapshotTriggerType.UNKNOWN);
            c.setFormatType(SnapshotFormatType.NATIVE);
            js.getCheckpointInfo().setLastCheckpoint(c);
        });
    }

    /**
     * Stops the job as {@code mode} asks and returns the path the next deployment restores from
     * ({@code null}: empty state). {@code savepoint} on a job that does not run falls back to
     * {@code last-state} when {@code kubernetes.operator.job.upgrade.last-state-fallback.enabled} and
     * HA allow it.
     *
     * @throws UpgradeException when the savepoint cannot be taken and there is no fallback
     */
    String stopJob(HasMetadata resource, ClusterId cluster, JobStatus js, UpgradeMode mode, OperatorOptions options) {
        String jobId = js.getJobId();
        boolean active = jobId != null && !isTerminal(js.getState());
        boolean running = jobId != null && RUNNING.equals(js.getState());
        switch (mode) {
            case STATELESS:
                if (active) {
                    service.cancelJob(cluster, jobId);
                }
                return null;
            case SAVEPOINT:
                if (running) {
                    String dir = options.savepointDir().orElseThrow();
                    String location = service.stopWithSavepoint(cluster, jobId, dir);
                    addSavepoint(resource, cluster, js.getSavepointInfo(), location, SnapshotTriggerType.UPGRADE, null, options);
                    return location;
                }
                if (!(options.lastStateFallbackEnabled() && options.haEnabled())) {
                    throw new UpgradeException("Job " + (jobId == null ? "(not submitted)" : jobId) + " is not running (state "
                            + js.getState() + "), so the savepoint the upgrade needs cannot be taken, and the last-state fallback is "
                            + (options.haEnabled() ? "disabled (" + OperatorOptions.LAST_STATE_FALLBACK + ")" : "not possible without HA"));
                }
                events.warning(resource, "UpgradeFallback", "Job " + jobId + " is not running (state " + js.getState()
                        + "): upgrading with last-state instead of savepoint (" + OperatorOptions.LAST_STATE_FALLBACK + ")");
                return stopLastState(cluster, js, active);
            case LAST_STATE:
                return stopLastState(cluster, js, active);
            default:
                throw new IllegalStateException("Unknown upgrade mode " + mode);
        }
    }

    private String stopLastState(ClusterId cluster, JobStatus js, boolean active) {
        String restore = js.getUpgradeSavepointPath();
        if (js.getJobId() != null) {
            Optional<String> latest = service.latestCheckpoint(cluster, js.getJobId()).map(cp -> cp.location());
            if (latest.isPresent()) {
                restore = latest.get();
            } else if (js.getCheckpointInfo().getLastCheckpoint() != null) {
                restore = js.getCheckpointInfo().getLastCheckpoint().getLocation();
            }
        }
        if (active) {
            service.cancelJob(cluster, js.getJobId());
        }
        return restore;
    }

    /**
     * Polls the savepoint in progress; records it when it completed, reports it when it failed; trims
     * the history (its max.age moves with the clock).
     */
    void observeSavepoint(HasMetadata resource, ClusterId cluster, JobStatus js, Long manualNonce, OperatorOptions options) {
        SavepointInfo info = js.getSavepointInfo();
        if (info.getTriggerId() == null) {
            trimHistory(resource, cluster, info, options);
            return;
        }
        SavepointResult result = js.getJobId() == null
                ? SavepointResult.failed("the job is gone")
                : service.getSavepointStatus(cluster, js.getJobId(), info.getTriggerId());
        switch (result.status()) {
            case PENDING:
                return;
            case COMPLETED:
                SnapshotTriggerType type = info.getTriggerType();
                clearTrigger(info);
                addSavepoint(resource, cluster, info, result.location(), type,
                        type == SnapshotTriggerType.MANUAL ? manualNonce : null, options);
                return;
            case FAILED:
                events.warning(resource, "SavepointError", "Savepoint " + info.getTriggerId() + " (" + info.getTriggerType()
                        + ") of job " + js.getJobId() + " failed: " + result.failureCause());
                clearTrigger(info);
                return;
            default:
                throw new IllegalStateException();
        }
    }

    /**
     * Triggers a manual savepoint when {@code specNonce} is new, else a periodic one when the interval
     * passed since the last one (or the job's start). Only for a running job without a savepoint in
     * progress. Returns true when the manual nonce was acted on.
     */
    boolean triggerSavepointIfDue(HasMetadata resource, ClusterId cluster, JobStatus js, OperatorOptions options,
                                  Long specNonce, Long reconciledNonce) {
        SavepointInfo info = js.getSavepointInfo();
        if (js.getJobId() == null || !RUNNING.equals(js.getState()) || info.getTriggerId() != null
                || options.savepointDir().isEmpty()) {
            return false;
        }
        long now = clock.millis();
        if (specNonce != null && !specNonce.equals(reconciledNonce)) {
            trigger(resource, cluster, js, options, SnapshotTriggerType.MANUAL);
            return true;
        }
        Duration interval = options.periodicSavepointInterval();
        if (!interval.isZero()) {
            long start = js.getStartTime() == null ? 0 : Long.parseLong(js.getStartTime());
            long since = Math.max(info.getLastPeriodicSavepointTimestamp(), start);
            if (now - since >= interval.toMillis()) {
                trigger(resource, cluster, js, options, SnapshotTriggerType.PERIODIC);
                info.setLastPeriodicSavepointTimestamp(now);
            }
        }
        return false;
    }

    private void trigger(HasMetadata resource, ClusterId cluster, JobStatus js, OperatorOptions options, SnapshotTriggerType type) {
        SavepointInfo info = js.getSavepointInfo();
        String triggerId = service.triggerSavepoint(cluster, js.getJobId(), options.savepointDir().orElseThrow());
        info.setTriggerId(triggerId);
        info.setTriggerTimestamp(clock.millis());
        info.setTriggerType(type);
        info.setFormatType(SnapshotFormatType.CANONICAL);
        events.normal(resource, "SavepointTriggered", type + " savepoint " + triggerId + " triggered for job " + js.getJobId());
    }

    private static void clearTrigger(SavepointInfo info) {
        info.setTriggerId(null);
        info.setTriggerTimestamp(null);
        info.setTriggerType(null);
        info.setFormatType(null);
    }

    private void addSavepoint(HasMetadata resource, ClusterId cluster, SavepointInfo info, String location,
                              SnapshotTriggerType type, Long nonce, OperatorOptions options) {
        Savepoint sp = new Savepoint();
        sp.setTimeStamp(clock.millis());
        sp.setLocation(location);
        sp.setTriggerType(type);
        sp.setFormatType(SnapshotFormatType.CANONICAL);
        sp.setTriggerNonce(nonce);
        info.setLastSavepoint(sp);
        info.getSavepointHistory().add(sp);
        events.normal(resource, "SavepointCompleted", type + " savepoint completed: " + location);
        trimHistory(resource, cluster, info, options);
    }

    /**
     * Drops savepoints beyond {@code kubernetes.operator.savepoint.history.max.count} (oldest first)
     * and older than {@code .max.age}, disposing their files; the last savepoint always stays.
     */
    void trimHistory(HasMetadata resource, ClusterId cluster, SavepointInfo info, OperatorOptions options) {
        List<Savepoint> history = info.getSavepointHistory();
        long oldestAllowed = clock.millis() - options.savepointHistoryMaxAge().toMillis();
        int maxCount = options.savepointHistoryMaxCount();
        List<Savepoint> removed = new ArrayList<>();
        for (Savepoint sp : List.copyOf(history)) {
            boolean last = sp == history.get(history.size() - 1);
            boolean tooMany = history.size() > maxCount;
            if (!last && (tooMany || sp.getTimeStamp() < oldestAllowed)) {
                history.remove(sp);
                removed.add(sp);
            }
        }
        if (removed.isEmpty()) {
            return;
        }
        List<String> locations = new ArrayList<>();
        for (Savepoint sp : removed) {
            locations.add(sp.getLocation());
            try {
                service.disposeSavepoint(cluster, sp.getLocation());
            } catch (ClusterServiceException e) {
                events.warning(resource, "SavepointError", "Could not dispose savepoint " + sp.getLocation() + ": " + e.getMessage());
            }
        }
        events.normal(resource, "SavepointHistoryCleaned", "Removed " + removed.size()
                + " savepoint(s) beyond the history's max.count " + maxCount + " / max.age " + options.savepointHistoryMaxAge()
                + ": " + String.join(", ", locations));
    }
}
