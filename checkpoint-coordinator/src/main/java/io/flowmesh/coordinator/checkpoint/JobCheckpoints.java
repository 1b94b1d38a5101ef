package io.flowmesh.coordinator.checkpoint;

import io.flowmesh.cluster.checkpoint.CheckpointSettings;
import io.flowmesh.cluster.checkpoint.CheckpointStorage;
import io.flowmesh.coordinator.job.JobView;
import io.flowmesh.proto.AbortCheckpoint;
import io.flowmesh.proto.CheckpointCompleted;
import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.TriggerCheckpoint;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * The checkpoint state machine of one job: when to trigger, which acknowledgements count, when a
 * checkpoint completes or fails, which completed checkpoints are retained, and when the job has
 * failed too many checkpoints in a row. All I/O goes through {@link CheckpointActions}.
 *
 * <p>Rules (Flink's, with {@code max-concurrent-checkpoints} = 1):
 * <ul>
 * <li>A periodic checkpoint is triggered when the job is checkpointable and no checkpoint is
 *     pending, at the earliest {@code interval} after the job became checkpointable, {@code interval}
 *     after the previous trigger and {@code min-pause} after the previous checkpoint ended
 *     (completed or aborted). Once every source subtask of the current attempt said its input ended
 *     (it waits for the final checkpoint), the interval no longer counts: only {@code min-pause}.
 * <li>Ids: one more than the highest id ever seen for the job (on the checkpoints topic, in S3);
 *     savepoints and checkpoints share the sequence.
 * <li>Acknowledgements and declines count only for the pending id and its attempt; a subtask's
 *     second acknowledgement is ignored.
 * <li>A decline, the timeout, or a failed {@code _metadata} write fails the checkpoint and counts
 *     towards {@code tolerable-failed-checkpoints} (periodic checkpoints only, as in Flink); the job
 *     leaving RUNNING, a restart, a subtask leaving RUNNING, a savepoint request or a coordinator
 *     restart abort it without counting. One failure more than tolerable fails the job
 *     (JobManager FailJob) and resets the count; a completed checkpoint resets it too.
 * <li>Failed checkpoints and savepoints have their files discarded (again when a late
 *     acknowledgement shows a subtask uploaded into the discarded directory); completed savepoints are never
 *     discarded; of the completed periodic checkpoints the newest {@code num-retained} are kept.
 * </ul>
 * Not thread-safe: owned by the coordinator thread.
 */
public final class JobCheckpoints {
    /** How many failed checkpoints' locations are remembered for late acknowledgements. */
    private static final int FAILED_LOCATIONS_KEPT = 32;

    /**
     * The locations of the latest failed checkpoints, by id: an acknowledgement that arrives after
     * the abort (the subtask's upload was still running) put files into a directory already
     * discarded, which is then discarded again.
     */
    private final java.util.LinkedHashMap<Long, String> recentlyFailed = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Long, String> eldest) {
            return size() > FAILED_LOCATIONS_KEPT;
        }
    };

    private static final Logger LOG = Logger.getLogger(JobCheckpoints.class);

    /** The cause of aborts at a coordinator start for checkpoints the previous run left pending. */
    public static final String COORDINATOR_RESTARTED = "the checkpoint coordinator restarted while the checkpoint was pending";

    private final String jobId;
    private final CheckpointActions actions;
    private final CheckpointStatsHistory history;
    private long highestId;
    private PendingCheckpoint pending;
    /** A trigger read from the topic during replay that has neither completed nor been aborted. */
    private CheckpointEvent replayedPending;
    /** Of {@link #replayedPending}: how many source subtasks acknowledged it, and how many of them with their input ended. */
    private int replayedSourceAcks;
    private int replayedSourceAcksAtEnd;
    /** Completed periodic checkpoints, oldest first (known from S3 at recovery, then kept live). */
    private final Deque<Retained> retained = new ArrayDeque<>();
    private long lastTriggerMs = Long.MIN_VALUE;
    private long lastEndMs = Long.MIN_VALUE;
    private long checkpointableSinceMs = -1;
    /** Source subtasks ("vertex#subtask") of {@link #inputEndedAttempt} whose input ended. */
    private final java.util.Set<String> inputEnded = new java.util.HashSet<>();
    private int inputEndedAttempt = -1;
    private int consecutiveFailures;
    private boolean storageRecovered;

    private record Retained(long id, String location) {}

    public JobCheckpoints(String jobId, int historySize, CheckpointActions actions) {
        this.jobId = jobId;
        this.actions = actions;
        this.history = new CheckpointStatsHistory(jobId, historySize);
    }

    // ---- replay of the checkpoints topic at the coordinator's start ----

    /** Applies an event read while catching up with the topic: it only rebuilds knowledge, never acts. */
    public void replay(CheckpointEvent e) {
        highestId = Math.max(highestId, e.getCheckpointId());
        long id = e.getCheckpointId();
        switch (e.getEventCase()) {
            case TRIGGER -> {
                replayedPending = e;
                replayedSourceAcks = 0;
                replayedSourceAcksAtEnd = 0;
                history.triggered(id, e.getTrigger().getType(), e.getTimestampMs(), e.getTrigger().getTargetLocation(), 0);
            }
            case ACKNOWLEDGE -> {
                if (replayedPending != null && replayedPending.getCheckpointId() == id && replayedPending.getAttempt() == e.getAttempt()
                        && e.getAcknowledge().getSource()) {
                    replayedSourceAcks++;
                    if (e.getAcknowledge().getEndOfInput()) {
                        replayedSourceAcksAtEnd++;
                    }
                }
            }
            case INPUT_ENDED -> recordInputEnded(e);
            case COMPLETED -> {
                if (replayedPending != null && replayedPending.getCheckpointId() == id) {
                    replayedPending = null;
                }
                history.completed(id, e.getTimestampMs());
                consecutiveFailures = 0;
            }
            case ABORT -> {
                if (replayedPending != null && replayedPending.getCheckpointId() == id) {
                    replayedPending = null;
                }
                history.failed(id, e.getTimestampMs(), e.getAbort().getCause());
            }
            default -> {
                // declines of finished checkpoints carry nothing to keep
            }
        }
    }

    /** The checkpoint the previous coordinator run left pending, if any (see {@link #resolveReplayedPending}). */
    public Optional<CheckpointEvent> replayedPending() {
        return Optional.ofNullable(replayedPending);
    }

    /**
     * Ends the checkpoint left pending by the previous run: {@code completed} when its
     * {@code _metadata} exists (the previous run died between writing it and publishing), else
     * {@code abort} with its files discarded. Does not count as a failure. The completion says
     * {@code end_of_input} when every source acknowledgement replayed for it did (the
     * {@code _metadata} exists only once every subtask acknowledged, so all of them were replayed).
     */
    public void resolveReplayedPending(long nowMs, boolean metadataExists) {
        CheckpointEvent t = replayedPending;
        if (t == null) {
            return;
        }
        replayedPending = null;
        String location = t.getTrigger().getTargetLocation();
        CheckpointType type = t.getTrigger().getType();
        if (metadataExists) {
            boolean endOfInput = replayedSourceAcks > 0 && replayedSourceAcksAtEnd == replayedSourceAcks;
            actions.publish(event(t.getCheckpointId(), t.getAttempt(), nowMs).setCompleted(CheckpointCompleted.newBuilder()
                    .setMetadataUri(CheckpointStorage.metadataUri(location)).setType(type).setEndOfInput(endOfInput)).build());
            history.completed(t.getCheckpointId(), nowMs);
            LOG.infof("checkpoint %d of job %s was complete in S3 when the coordinator started: published its completion", t.getCheckpointId(), jobId);
        } else {
            actions.publish(event(t.getCheckpointId(), t.getAttempt(), nowMs).setAbort(AbortCheckpoint.newBuilder().setCause(COORDINATOR_RESTARTED)).build());
            actions.discard(location);
            history.failed(t.getCheckpointId(), nowMs, COORDINATOR_RESTARTED);
            LOG.infof("aborted checkpoint %d of job %s: %s", t.getCheckpointId(), jobId, COORDINATOR_RESTARTED);
        }
    }

    /** Whether the job's checkpoint directory has been reconciled with what the topic said (see {@link #recoverStorage}). */
    public boolean storageRecovered() {
        return storageRecovered;
    }

    /**
     * Reconciles with the job's checkpoint directory in S3, once, before the first trigger: ids
     * continue above every chk-&lt;n&gt; found; the retained checkpoints are the completed ones in S3
     * (topic-known ones whose directory is gone are dropped); of those only the newest
     * {@code num-retained} are kept, and older directories (completed or orphaned by an abort whose
     * discard was lost) are discarded.
     *
     * @param existingIds every n with some file under chk-n
     * @param completedIds every n with chk-n/_metadata
     */
    public void recoverStorage(CheckpointSettings settings, Set<Long> existingIds, SortedSet<Long> completedIds) {
        storageRecovered = true;
        existingIds.forEach(n -> highestId = Math.max(highestId, n));
        retained.clear();
        for (long n : completedIds) {
            retained.addLast(new Retained(n, CheckpointStorage.checkpointLocation(settings.checkpointsDir(), jobId, n)));
        }
        trimRetained(settings.numRetained());
        long oldestKept = retained.isEmpty() ? Long.MAX_VALUE : retained.peekFirst().id();
        for (long n : new TreeSet<>(existingIds)) {
            if (n < oldestKept && !completedIds.contains(n)) {
                LOG.infof("discarding the orphaned checkpoint directory chk-%d of job %s", n, jobId);
                actions.discard(CheckpointStorage.checkpointLocation(settings.checkpointsDir(), jobId, n));
            }
        }
    }

    // ---- live operation ----

    /** Any event seen on the topic: ids never go back. */
    public void observeId(long id) {
        highestId = Math.max(highestId, id);
    }

    public Optional<PendingCheckpoint> pending() {
        return Optional.ofNullable(pending);
    }

    public CheckpointStatsHistory history() {
        return history;
    }

    /** Timers: the pending checkpoint's timeout, and the next periodic trigger. */
    public void tick(long nowMs, JobView job) {
        Optional<CheckpointSettings> settings = job.settings();
        if (pending != null) {
            long timeout = pending.settings().timeout().toMillis();
            if (nowMs - pending.triggerTimestampMs() >= timeout) {
                fail(nowMs, "Checkpoint expired before completing (execution.checkpointing.timeout " + timeout + " ms)", true);
            }
            return;
        }
        if (!job.checkpointable()) {
            checkpointableSinceMs = -1;
            return;
        }
        if (checkpointableSinceMs < 0) {
            checkpointableSinceMs = nowMs;
        }
        if (settings.isEmpty() || !settings.get().enabled() || !storageRecovered) {
            return;
        }
        CheckpointSettings s = settings.get();
        long interval = s.interval().orElseThrow().toMillis();
        long due = everySourceEnded(job) ? sat(lastEndMs, s.minPause().toMillis())
                : Math.max(checkpointableSinceMs + interval, Math.max(sat(lastTriggerMs, interval), sat(lastEndMs, s.minPause().toMillis())));
        if (nowMs >= due) {
            trigger(nowMs, job, CheckpointType.CHECKPOINT, CheckpointStorage.checkpointLocation(s.checkpointsDir(), jobId, highestId + 1));
        }
    }

    /** A source subtask's input ended (from the topic): counted for the job's current attempt. */
    public void inputEnded(long nowMs, CheckpointEvent e, JobView job) {
        if (e.getAttempt() != job.attempt()) {
            return;
        }
        recordInputEnded(e);
        if (everySourceEnded(job)) {
            LOG.debugf("every source of job %s attempt %d reached the end of its input: the final checkpoint is due", jobId, job.attempt());
        }
    }

    /** Counts a source's notice for its attempt (a later attempt's first notice forgets the earlier attempt's). */
    private void recordInputEnded(CheckpointEvent e) {
        if (e.getAttempt() < inputEndedAttempt) {
            return;
        }
        if (inputEndedAttempt != e.getAttempt()) {
            inputEnded.clear();
            inputEndedAttempt = e.getAttempt();
        }
        inputEnded.add(e.getInputEnded().getVertexId() + "#" + e.getInputEnded().getSubtaskIndex());
    }

    /** Every source subtask of the job's current attempt said its input ended. */
    private boolean everySourceEnded(JobView job) {
        if (inputEndedAttempt != job.attempt() || inputEnded.isEmpty() || job.graph().isEmpty()) {
            return false;
        }
        for (var v : job.graph().get().getVerticesList()) {
            if (!v.getIsSource()) {
                continue;
            }
            for (int i = 0; i < v.getParallelism(); i++) {
                if (!inputEnded.contains(v.getVertexId() + "#" + i)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static long sat(long base, long plus) {
        return base == Long.MIN_VALUE ? Long.MIN_VALUE : base + plus;
    }

    /** The id the next trigger gets. */
    public long nextId() {
        return highestId + 1;
    }

    /**
     * Triggers checkpoint {@link #nextId()} at {@code location} (which must be built from that id)
     * for the job's current attempt. The caller has checked that the job is checkpointable and that
     * nothing is pending.
     */
    public PendingCheckpoint trigger(long nowMs, JobView job, CheckpointType type, String location) {
        if (pending != null) {
            throw new IllegalStateException("checkpoint " + pending.id() + " of job " + jobId + " is still pending");
        }
        CheckpointSettings s = job.settings().orElseThrow();
        long id = ++highestId;
        pending = new PendingCheckpoint(jobId, id, type, job.attempt(), location, nowMs, job.graph().orElseThrow(), s);
        lastTriggerMs = nowMs;
        history.triggered(id, type, nowMs, location, pending.totalSubtasks());
        actions.publish(event(id, job.attempt(), nowMs)
                .setTrigger(TriggerCheckpoint.newBuilder().setType(type).setTargetLocation(location).setMode(s.mode())).build());
        LOG.debugf("triggered %s %d of job %s attempt %d at %s", type, id, jobId, job.attempt(), location);
        return pending;
    }

    /** After any lifecycle change of the job: aborts the pending checkpoint if its attempt no longer runs whole. */
    public void lifecycleChanged(long nowMs, JobView job) {
        if (pending == null) {
            return;
        }
        job.whyNotCheckpointable(pending.attempt()).ifPresent(cause -> fail(nowMs, cause, false));
    }

    /** Aborts a pending periodic checkpoint to make way for a savepoint (not counted as a failure). */
    public void abortForSavepoint(long nowMs, long savepointId) {
        if (pending != null && !pending.isSavepoint()) {
            fail(nowMs, "Checkpoint " + pending.id() + " was aborted for savepoint " + savepointId, false);
        }
    }

    /** An acknowledgement from the topic. */
    public void acknowledge(long nowMs, CheckpointEvent e) {
        if (!isForPending(e)) {
            String failedLocation = recentlyFailed.get(e.getCheckpointId());
            if (failedLocation != null) {
                // a subtask finished uploading after the checkpoint was aborted: its files landed in the discarded directory
                LOG.debugf("discarding %s again: a late acknowledgement of failed checkpoint %d", failedLocation, e.getCheckpointId());
                actions.discard(failedLocation);
            }
            return;
        }
        PendingCheckpoint.AckResult r = pending.acknowledge(e.getAcknowledge());
        if (r == PendingCheckpoint.AckResult.UNKNOWN_SUBTASK) {
            LOG.warnf("ignoring an acknowledgement of checkpoint %d of job %s from vertex %s subtask %d: the JobGraph has no such subtask",
                    e.getCheckpointId(), jobId, e.getAcknowledge().getVertexId(), e.getAcknowledge().getSubtaskIndex());
            return;
        }
        if (r == PendingCheckpoint.AckResult.DUPLICATE) {
            return;
        }
        history.acknowledged(pending.id(), pending.acknowledged(), pending.stateSizeBytes());
        if (pending.fullyAcknowledged()) {
            complete(nowMs);
        }
    }

    /** A decline from the topic: fails the pending checkpoint. */
    public void decline(long nowMs, CheckpointEvent e) {
        if (!isForPending(e)) {
            return;
        }
        var d = e.getDecline();
        fail(nowMs, "Checkpoint " + e.getCheckpointId() + " was declined by subtask " + d.getSubtaskIndex() + " of vertex " + d.getVertexId() + ": "
                + d.getCause(), true);
    }

    private boolean isForPending(CheckpointEvent e) {
        return pending != null && e.getCheckpointId() == pending.id() && e.getAttempt() == pending.attempt();
    }

    private void complete(long nowMs) {
        PendingCheckpoint p = pending;
        CheckpointMetadata md = p.metadata(nowMs);
        try {
            actions.writeMetadata(p.location(), md);
        } catch (RuntimeException ex) {
            fail(nowMs, "Checkpoint " + p.id() + " could not write " + CheckpointStorage.metadataUri(p.location()) + ": " + ex.getMessage(), true);
            return;
        }
        pending = null;
        lastEndMs = nowMs;
        consecutiveFailures = 0;
        actions.publish(event(p.id(), p.attempt(), nowMs)
                .setCompleted(CheckpointCompleted.newBuilder().setMetadataUri(CheckpointStorage.metadataUri(p.location())).setType(p.type())
                        .setEndOfInput(p.coversEndOfInput())).build());
        history.completed(p.id(), nowMs);
        actions.recordCompleted(jobId, p.type(), nowMs - p.triggerTimestampMs(), p.stateSizeBytes());
        LOG.infof("completed %s %d of job %s (%d subtasks, %d bytes, %d ms; longest start delay %d ms, alignment %d ms, "
                + "synchronous part %d ms, upload %d ms)", p.type(), p.id(), jobId, p.totalSubtasks(), p.stateSizeBytes(),
                nowMs - p.triggerTimestampMs(), p.maxStartDelayMillis(), p.maxAlignmentMillis(), p.maxSyncMillis(), p.maxAsyncMillis());
        if (!p.isSavepoint()) {
            retained.addLast(new Retained(p.id(), p.location()));
            trimRetained(p.settings().numRetained());
        }
    }

    /** Discards the oldest completed periodic checkpoints beyond {@code numRetained}. */
    public void trimRetained(int numRetained) {
        while (retained.size() > numRetained) {
            Retained r = retained.removeFirst();
            actions.discard(r.location());
        }
    }

    /** Ids of the retained completed periodic checkpoints, oldest first. */
    public java.util.List<Long> retainedIds() {
        return retained.stream().map(Retained::id).toList();
    }

    /**
     * Aborts the pending checkpoint: publishes {@code abort}, discards its files, records the failure;
     * when {@code counts} (and it is periodic) it counts towards the tolerable failures.
     */
    private void fail(long nowMs, String cause, boolean counts) {
        PendingCheckpoint p = pending;
        pending = null;
        lastEndMs = nowMs;
        actions.publish(event(p.id(), p.attempt(), nowMs).setAbort(AbortCheckpoint.newBuilder().setCause(cause)).build());
        actions.discard(p.location());
        recentlyFailed.put(p.id(), p.location());
        history.failed(p.id(), nowMs, cause);
        actions.recordFailed(jobId, p.type());
        LOG.infof("aborted %s %d of job %s: %s", p.type(), p.id(), jobId, cause);
        if (counts && !p.isSavepoint()) {
            consecutiveFailures++;
            int tolerable = p.settings().tolerableFailures();
            if (consecutiveFailures > tolerable) {
                String failCause = "Exceeded checkpoint tolerable failure threshold: " + consecutiveFailures + " consecutive failed checkpoints"
                        + " (execution.checkpointing.tolerable-failed-checkpoints = " + tolerable + "), the last: " + cause;
                consecutiveFailures = 0;
                LOG.warnf("failing job %s attempt %d: %s", jobId, p.attempt(), failCause);
                actions.failJob(jobId, p.attempt(), failCause);
            }
        }
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    private CheckpointEvent.Builder event(long id, int attempt, long nowMs) {
        return CheckpointEvent.newBuilder().setJobId(jobId).setCheckpointId(id).setAttempt(attempt).setTimestampMs(nowMs);
    }
}
