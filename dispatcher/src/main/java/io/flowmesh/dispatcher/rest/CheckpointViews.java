package io.flowmesh.dispatcher.rest;

import io.flowmesh.cluster.checkpoint.CheckpointSettings;
import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.CheckpointStats;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.CheckpointType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Flink's checkpoint JSON ({@code CheckpointingStatistics}, {@code CheckpointConfigInfo}) from the
 * checkpoint coordinator's history of a job. Pure functions.
 */
final class CheckpointViews {
    private CheckpointViews() {}

    /** {@code /jobs/:jobid/checkpoints}: counts, summary over the completed checkpoints of the history, latest, history (newest first). */
    static Map<String, Object> statistics(CheckpointHistory h) {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("restored", 0L);
        counts.put("total", h.getCompleted() + h.getFailed() + h.getInProgress());
        counts.put("in_progress", (int) h.getInProgress());
        counts.put("completed", h.getCompleted());
        counts.put("failed", h.getFailed());

        List<CheckpointStats> completed = h.getCheckpointsList().stream().filter(c -> c.getStatus() == CheckpointStatus.CHECKPOINT_COMPLETED).toList();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("checkpointed_size", stats(completed, CheckpointStats::getStateSizeBytes));
        summary.put("state_size", stats(completed, CheckpointStats::getStateSizeBytes));
        summary.put("end_to_end_duration", stats(completed, CheckpointStats::getDurationMs));
        summary.put("alignment_buffered", stats(completed, c -> 0));
        summary.put("processed_data", stats(completed, c -> 0));
        summary.put("persisted_data", stats(completed, c -> 0));

        Map<String, Object> latest = new LinkedHashMap<>();
        latest.put("completed", completed.stream().filter(c -> !savepoint(c)).findFirst().map(CheckpointViews::checkpoint).orElse(null));
        latest.put("savepoint", completed.stream().filter(CheckpointViews::savepoint).findFirst().map(CheckpointViews::checkpoint).orElse(null));
        latest.put("failed", h.getCheckpointsList().stream().filter(c -> c.getStatus() == CheckpointStatus.CHECKPOINT_FAILED).findFirst()
                .map(CheckpointViews::checkpoint).orElse(null));
        latest.put("restored", null);

        List<Map<String, Object>> history = new ArrayList<>();
        h.getCheckpointsList().forEach(c -> history.add(checkpoint(c)));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("counts", counts);
        body.put("summary", summary);
        body.put("latest", latest);
        body.put("history", history);
        return body;
    }

    static boolean savepoint(CheckpointStats c) {
        return c.getType() != CheckpointType.CHECKPOINT;
    }

    /** Flink's {@code StatsSummaryDto}: min/max/avg and percentiles (nearest rank); all 0 over no values, as Flink. */
    static Map<String, Object> stats(List<CheckpointStats> checkpoints, ToLongFunction<CheckpointStats> value) {
        long[] v = checkpoints.stream().mapToLong(value).sorted().toArray();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("min", v.length == 0 ? 0 : v[0]);
        s.put("max", v.length == 0 ? 0 : v[v.length - 1]);
        s.put("avg", v.length == 0 ? 0 : Arrays.stream(v).sum() / v.length);
        s.put("p50", percentile(v, 0.50));
        s.put("p90", percentile(v, 0.90));
        s.put("p95", percentile(v, 0.95));
        s.put("p99", percentile(v, 0.99));
        s.put("p999", percentile(v, 0.999));
        return s;
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0.0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    /** One {@code CheckpointStatistics} (className completed, failed or in_progress). */
    static Map<String, Object> checkpoint(CheckpointStats c) {
        Map<String, Object> m = new LinkedHashMap<>();
        String className = switch (c.getStatus()) {
            case CHECKPOINT_COMPLETED -> "completed";
            case CHECKPOINT_FAILED -> "failed";
            default -> "in_progress";
        };
        m.put("className", className);
        m.put("id", c.getCheckpointId());
        m.put("status", switch (c.getStatus()) {
            case CHECKPOINT_COMPLETED -> "COMPLETED";
            case CHECKPOINT_FAILED -> "FAILED";
            default -> "IN_PROGRESS";
        });
        m.put("is_savepoint", savepoint(c));
        m.put("savepointFormat", savepoint(c) ? "CANONICAL" : null);
        m.put("trigger_timestamp", c.getTriggerTimestampMs());
        m.put("latest_ack_timestamp", c.getStatus() == CheckpointStatus.CHECKPOINT_COMPLETED ? c.getTriggerTimestampMs() + c.getDurationMs() : -1L);
        m.put("checkpointed_size", c.getStateSizeBytes());
        m.put("state_size", c.getStateSizeBytes());
        m.put("end_to_end_duration", c.getDurationMs());
        m.put("alignment_buffered", 0L);
        m.put("processed_data", 0L);
        m.put("persisted_data", 0L);
        m.put("num_subtasks", c.getTotalSubtasks());
        m.put("num_acknowledged_subtasks", c.getAcknowledgedSubtasks());
        m.put("checkpoint_type", switch (c.getType()) {
            case SAVEPOINT -> "SAVEPOINT";
            case SAVEPOINT_STOP, SAVEPOINT_STOP_DRAIN -> "SYNC_SAVEPOINT";
            default -> "CHECKPOINT";
        });
        m.put("tasks", Map.of());
        if (c.getStatus() == CheckpointStatus.CHECKPOINT_COMPLETED) {
            m.put("external_path", c.getLocation());
            m.put("discarded", false);
        } else if (c.getStatus() == CheckpointStatus.CHECKPOINT_FAILED) {
            m.put("failure_timestamp", c.getTriggerTimestampMs() + c.getDurationMs());
            m.put("failure_message", c.getFailureCause());
        }
        return m;
    }

    /** {@code /jobs/:jobid/checkpoints/config}. */
    static Map<String, Object> config(CheckpointSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", s.mode().name().toLowerCase(Locale.ROOT));
        m.put("interval", s.interval().orElseThrow().toMillis());
        m.put("timeout", s.timeout().toMillis());
        m.put("min_pause", s.minPause().toMillis());
        m.put("max_concurrent", (long) s.maxConcurrent());
        Map<String, Object> externalization = new LinkedHashMap<>();
        externalization.put("enabled", true);
        externalization.put("delete_on_cancellation", false);
        m.put("externalization", externalization);
        m.put("state_backend", "HashMapStateBackend");
        m.put("checkpoint_storage", "FileSystemCheckpointStorage (" + s.checkpointsDir() + ")");
        m.put("unaligned_checkpoints", false);
        m.put("tolerable_failed_checkpoints", s.tolerableFailures());
        m.put("aligned_checkpoint_timeout", 0L);
        m.put("checkpoints_after_tasks_finish", false);
        m.put("state_changelog_enabled", false);
        m.put("changelog_periodic_materialization_interval", 0L);
        m.put("changelog_storage", "");
        return m;
    }
}
