package io.flowmesh.coordinator.checkpoint;

import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.CheckpointStats;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.CheckpointType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The recent checkpoints and savepoints of one job, for ListCheckpoints and GetSavepointStatus:
 * the last {@code capacity} of each kind (checkpoints and savepoints are kept apart, so that
 * frequent checkpoints do not push a savepoint's status out), with counts over everything the
 * coordinator learned of the job, also from the checkpoints topic it re-reads at its start.
 * Not thread-safe: owned by the coordinator thread.
 */
public final class CheckpointStatsHistory {
    private final String jobId;
    private final int capacity;
    private final Map<Long, CheckpointStats.Builder> checkpoints;
    private final Map<Long, CheckpointStats.Builder> savepoints;
    private long completed;
    private long failed;
    private long latestCompletedId;

    public CheckpointStatsHistory(String jobId, int capacity) {
        this.jobId = jobId;
        this.capacity = capacity;
        this.checkpoints = bounded(capacity);
        this.savepoints = bounded(capacity);
    }

    private static Map<Long, CheckpointStats.Builder> bounded(int capacity) {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, CheckpointStats.Builder> eldest) {
                return size() > capacity;
            }
        };
    }

    private Map<Long, CheckpointStats.Builder> of(CheckpointType type) {
        return type == CheckpointType.CHECKPOINT ? checkpoints : savepoints;
    }

    private Optional<CheckpointStats.Builder> find(long id) {
        CheckpointStats.Builder b = checkpoints.get(id);
        return Optional.ofNullable(b != null ? b : savepoints.get(id));
    }

    public void triggered(long id, CheckpointType type, long triggerTimestampMs, String location, int totalSubtasks) {
        of(type).put(id, CheckpointStats.newBuilder().setCheckpointId(id).setType(type).setStatus(CheckpointStatus.CHECKPOINT_IN_PROGRESS)
                .setTriggerTimestampMs(triggerTimestampMs).setLocation(location).setTotalSubtasks(totalSubtasks));
    }

    public void acknowledged(long id, int acknowledged, long stateSizeBytes) {
        find(id).filter(b -> b.getStatus() == CheckpointStatus.CHECKPOINT_IN_PROGRESS)
                .ifPresent(b -> b.setAcknowledgedSubtasks(acknowledged).setStateSizeBytes(stateSizeBytes));
    }

    public void completed(long id, long completionTimestampMs) {
        completed++;
        latestCompletedId = Math.max(latestCompletedId, id);
        find(id).ifPresent(b -> b.setStatus(CheckpointStatus.CHECKPOINT_COMPLETED)
                .setDurationMs(Math.max(0, completionTimestampMs - b.getTriggerTimestampMs())));
    }

    public void failed(long id, long failureTimestampMs, String cause) {
        failed++;
        find(id).ifPresent(b -> b.setStatus(CheckpointStatus.CHECKPOINT_FAILED).setFailureCause(cause)
                .setDurationMs(Math.max(0, failureTimestampMs - b.getTriggerTimestampMs())));
    }

    /** The savepoint's stats, if it is among the last {@code capacity} savepoints. */
    public Optional<CheckpointStats> savepoint(long id) {
        return Optional.ofNullable(savepoints.get(id)).map(CheckpointStats.Builder::build);
    }

    /** Checkpoints and savepoints completed, over everything the coordinator learned of the job. */
    public long completedCount() {
        return completed;
    }

    /** Checkpoints and savepoints failed or aborted, over everything the coordinator learned of the job. */
    public long failedCount() {
        return failed;
    }

    public long latestCompletedId() {
        return latestCompletedId;
    }

    /** Newest first; in-progress durations measured up to {@code nowMs}. */
    public CheckpointHistory snapshot(long nowMs) {
        List<CheckpointStats.Builder> all = new ArrayList<>(checkpoints.values());
        all.addAll(savepoints.values());
        all.sort((a, b) -> Long.compare(b.getCheckpointId(), a.getCheckpointId()));
        CheckpointHistory.Builder h = CheckpointHistory.newBuilder().setJobId(jobId).setCompleted(completed).setFailed(failed)
                .setLatestCompletedId(latestCompletedId);
        long inProgress = 0;
        for (CheckpointStats.Builder b : all.subList(0, Math.min(capacity, all.size()))) {
            CheckpointStats s = b.build();
            if (s.getStatus() == CheckpointStatus.CHECKPOINT_IN_PROGRESS) {
                inProgress++;
                s = s.toBuilder().setDurationMs(Math.max(0, nowMs - s.getTriggerTimestampMs())).build();
            }
            h.addCheckpoints(s);
        }
        return h.setInProgress(inProgress).build();
    }
}
