package io.flowmesh.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.ClusterOverview;
import io.flowmesh.proto.TaskManagerInfo;
import io.flowmesh.proto.CheckpointStats;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobStatusChanged;
import io.flowmesh.proto.JobSubmitted;
import io.flowmesh.proto.JobSummary;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.SubtaskDetails;
import io.flowmesh.proto.TaskStatusChanged;
import io.flowmesh.proto.VertexDetails;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How the CLI prints jobs and events, with Apache Flink's names and layouts: {@code flink list}'s
 * sections and {@code dd.MM.yyyy HH:mm:ss : <id> : <name> (<STATUS>)} lines, execution states
 * without the protobuf {@code EXECUTION_} prefix, subtasks as {@code (i/p)} counted from 1.
 */
public final class Formats {

    /** Statuses after which a job never changes again. */
    public static final Set<JobStatus> TERMINAL = EnumSet.of(JobStatus.FINISHED, JobStatus.FAILED, JobStatus.CANCELED);

    private static final DateTimeFormatter LIST_TIME = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm:ss");
    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String RULE = "--------------------------------------------------------------";

    private Formats() {
    }

    /** Flink's name for a job status ({@code UNKNOWN} for an unset or unknown value). */
    public static String jobStatus(JobStatus status) {
        return status == JobStatus.JOB_STATUS_UNSPECIFIED || status == JobStatus.UNRECOGNIZED
                ? "UNKNOWN" : status.name();
    }

    /** Flink's name for an execution state: {@code EXECUTION_RUNNING} -> {@code RUNNING}. */
    public static String executionState(ExecutionState state) {
        if (state == ExecutionState.EXECUTION_STATE_UNSPECIFIED || state == ExecutionState.UNRECOGNIZED) {
            return "UNKNOWN";
        }
        String name = state.name();
        return name.startsWith("EXECUTION_") ? name.substring("EXECUTION_".length()) : name;
    }

    /** One line of {@code flowmesh events}: time (UTC, ISO-8601), job id, reporter, what happened. */
    public static String eventLine(LifecycleEvent e) {
        return String.format("%s  %s  %-13s  %s", EVENT_TIME.format(Instant.ofEpochMilli(e.getTimestampMs())),
                e.getJobId(), e.getReporter(), eventText(e));
    }

    /** What happened, e.g. {@code job CREATED->RUNNING} or {@code task Map (1/2) attempt 0: RUNNING on taskmanager-1}. */
    public static String eventText(LifecycleEvent e) {
        switch (e.getEventCase()) {
            case JOB_SUBMITTED: {
                JobSubmitted s = e.getJobSubmitted();
                return "submitted " + s.getJobName();
            }
            case JOB_STATUS_CHANGED: {
                JobStatusChanged c = e.getJobStatusChanged();
                StringBuilder text = new StringBuilder("job ");
                if (c.getPreviousStatus() != JobStatus.JOB_STATUS_UNSPECIFIED) {
                    text.append(jobStatus(c.getPreviousStatus())).append("->");
                }
                text.append(jobStatus(c.getStatus()));
                if (c.getAttempt() > 0) {
                    text.append(" (attempt ").append(c.getAttempt()).append(')');
                }
                return text + cause(c.getFailureCause());
            }
            case TASK_STATUS_CHANGED: {
                TaskStatusChanged t = e.getTaskStatusChanged();
                StringBuilder text = new StringBuilder("task ").append(t.getVertexName())
                        .append(" (").append(t.getSubtaskIndex() + 1).append('/').append(t.getParallelism()).append(')')
                        .append(" attempt ").append(t.getAttempt()).append(": ").append(executionState(t.getState()));
                if (!t.getTaskmanagerId().isEmpty()) {
                    text.append(" on ").append(t.getTaskmanagerId());
                }
                return text + cause(t.getFailureCause());
            }
            default:
                return "(no event)";
        }
    }

    /** {@code ": <first line of the cause>"}, or nothing. */
    private static String cause(String failureCause) {
        if (failureCause == null || failureCause.isBlank()) {
            return "";
        }
        return ": " + failureCause.strip().lines().findFirst().orElse("");
    }

    /** One job in {@code flowmesh list}. */
    public static String listLine(JobSummary job, ZoneId zone) {
        return LIST_TIME.format(Instant.ofEpochMilli(job.getStartTimeMs()).atZone(zone)) + " : " + job.getJobId()
                + " : " + job.getJobName() + " (" + jobStatus(job.getStatus()) + ")";
    }

    /**
     * {@code flink list}'s layout: running/restarting jobs, scheduled (CREATED) jobs, and with
     * {@code all} the terminated ones, each section ordered by start time.
     */
    public static void printJobList(List<JobSummary> jobs, boolean all, PrintStream out, ZoneId zone) {
        List<JobSummary> sorted = jobs.stream().sorted(Comparator.comparingLong(JobSummary::getStartTimeMs)).toList();
        List<JobSummary> running = sorted.stream()
                .filter(j -> j.getStatus() != JobStatus.CREATED && !TERMINAL.contains(j.getStatus())).toList();
        List<JobSummary> scheduled = sorted.stream().filter(j -> j.getStatus() == JobStatus.CREATED).toList();
        List<JobSummary> terminated = sorted.stream().filter(j -> TERMINAL.contains(j.getStatus())).toList();
        section(out, "------------------ Running/Restarting Jobs -------------------", "No running jobs.",
                running, zone);
        section(out, "----------------------- Scheduled Jobs -----------------------", "No scheduled jobs.",
                scheduled, zone);
        if (all && !terminated.isEmpty()) {
            section(out, "---------------------- Terminated Jobs -----------------------", null, terminated, zone);
        }
    }

    private static void section(PrintStream out, String header, String empty, List<JobSummary> jobs, ZoneId zone) {
        if (jobs.isEmpty()) {
            out.println(empty);
            return;
        }
        out.println(header);
        jobs.forEach(j -> out.println(listLine(j, zone)));
        out.println(RULE);
    }

    /** {@code flowmesh info}: status, times, vertices and their subtasks, the failure cause. */
    public static void printJobDetails(JobDetails details, PrintStream out, ZoneId zone) {
        JobSummary s = details.getSummary();
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(zone);
        out.println("Job " + s.getJobId() + " : " + s.getJobName());
        out.println("  Status:      " + jobStatus(s.getStatus()));
        out.println("  Start time:  " + (s.getStartTimeMs() > 0 ? time.format(Instant.ofEpochMilli(s.getStartTimeMs())) : "-"));
        out.println("  End time:    " + (s.getEndTimeMs() > 0 ? time.format(Instant.ofEpochMilli(s.getEndTimeMs())) : "-"));
        if (s.getStartTimeMs() > 0) {
            long end = s.getEndTimeMs() > 0 ? s.getEndTimeMs() : System.currentTimeMillis();
            out.println("  Duration:    " + duration(end - s.getStartTimeMs()));
        }
        if (!details.getEntryClass().isEmpty()) {
            out.println("  Entry class: " + details.getEntryClass());
        }
        if (!details.getArtifactUri().isEmpty()) {
            out.println("  Artifact:    " + details.getArtifactUri());
        }
        out.println("  Vertices:");
        if (details.getVerticesCount() == 0) {
            out.println("    (none yet)");
        }
        for (VertexDetails v : details.getVerticesList()) {
            out.println("    " + v.getName() + " (parallelism " + v.getParallelism() + ", id " + v.getVertexId() + ")");
            for (SubtaskDetails t : v.getSubtasksList()) {
                String line = String.format("      (%d/%d) %-10s attempt %d  %s", t.getSubtaskIndex() + 1,
                        v.getParallelism(), executionState(t.getState()), t.getAttempt(),
                        t.getTaskmanagerId().isEmpty() ? "-" : "on " + t.getTaskmanagerId());
                out.println(line.stripTrailing() + cause(t.getFailureCause()));
            }
        }
        if (!details.getFailureCause().isBlank()) {
            out.println("  Failure cause:");
            details.getFailureCause().strip().lines().forEach(l -> out.println("    " + l));
        }
    }

    static String duration(long millis) {
        long seconds = millis / 1000;
        if (seconds < 60) {
            return String.format("%.1f s", millis / 1000.0);
        }
        return String.format("%d min %d s", seconds / 60, seconds % 60);
    }

    /** A timeout as the messages print it: {@code 10 min}, {@code 90 s}, {@code 500 ms}. */
    static String timeout(Duration d) {
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + " min";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + " s";
        }
        return d.toMillis() + " ms";
    }

    /** Flink's name for a checkpoint status: {@code CHECKPOINT_IN_PROGRESS} -> {@code IN_PROGRESS}. */
    public static String checkpointStatus(CheckpointStatus status) {
        return switch (status) {
            case CHECKPOINT_IN_PROGRESS -> "IN_PROGRESS";
            case CHECKPOINT_COMPLETED -> "COMPLETED";
            case CHECKPOINT_FAILED -> "FAILED";
            default -> "UNKNOWN";
        };
    }

    public static String checkpointType(CheckpointType type) {
        return type == CheckpointType.CHECKPOINT_TYPE_UNSPECIFIED || type == CheckpointType.UNRECOGNIZED ? "UNKNOWN" : type.name();
    }

    /** Bytes in binary units as Flink's web UI shows them: {@code 512 B}, {@code 1.5 KB}, {@code 12.0 MB}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** A checkpoint's duration: {@code 850 ms}, {@code 1.3 s}, {@code 2 min 5 s}. */
    static String checkpointDuration(long millis) {
        return millis < 1000 ? millis + " ms" : duration(millis);
    }

    /**
     * {@code flowmesh checkpoints}: a line with the counts, then one row per checkpoint (as the
     * coordinator orders them, newest first), then the failure causes of failed ones.
     */
    public static void printCheckpoints(CheckpointHistory history, PrintStream out, ZoneId zone) {
        out.println("Job " + history.getJobId() + ": " + history.getCompleted() + " completed, " + history.getFailed() + " failed, "
                + history.getInProgress() + " in progress; latest completed: "
                + (history.getLatestCompletedId() == 0 ? "none" : Long.toString(history.getLatestCompletedId())));
        if (history.getCheckpointsCount() == 0) {
            out.println("No checkpoints of job " + history.getJobId() + ".");
            return;
        }
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(zone);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "TYPE", "STATUS", "TRIGGER TIME", "DURATION", "SIZE", "ACKED", "PATH"});
        for (CheckpointStats c : history.getCheckpointsList()) {
            boolean sized = c.getStatus() == CheckpointStatus.CHECKPOINT_COMPLETED || c.getStateSizeBytes() > 0;
            rows.add(new String[] {Long.toString(c.getCheckpointId()), checkpointType(c.getType()), checkpointStatus(c.getStatus()),
                    c.getTriggerTimestampMs() > 0 ? time.format(Instant.ofEpochMilli(c.getTriggerTimestampMs())) : "-",
                    checkpointDuration(c.getDurationMs()), sized ? size(c.getStateSizeBytes()) : "-",
                    c.getAcknowledgedSubtasks() + "/" + c.getTotalSubtasks(), c.getLocation().isEmpty() ? "-" : c.getLocation()});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        List<CheckpointStats> failed = history.getCheckpointsList().stream()
                .filter(c -> c.getStatus() == CheckpointStatus.CHECKPOINT_FAILED && !c.getFailureCause().isBlank()).toList();
        if (!failed.isEmpty()) {
            out.println("Failure causes:");
            failed.forEach(c -> out.println("  " + c.getCheckpointId() + cause(c.getFailureCause())));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonFormat.Printer PROTO_JSON = JsonFormat.printer().alwaysPrintFieldsWithNoPresence();
    private static final JsonFormat.Printer PROTO_JSON_LINE = PROTO_JSON.omittingInsignificantWhitespace();

    /**
     * A message in protobuf's JSON mapping (the same as a gRPC client sees it: lowerCamelCase names,
     * enums by name, int64 as strings), every field printed; indented, or on one line.
     */
    public static String json(MessageOrBuilder message, boolean oneLine) {
        try {
            return (oneLine ? PROTO_JSON_LINE : PROTO_JSON).print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A JSON tree as the CLI prints it (indented). */
    public static String json(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An empty JSON object to fill. */
    public static ObjectNode jsonObject() {
        return JSON.createObjectNode();
    }

    /** {@code flowmesh overview}: slots, jobs by status, one line per TaskManager. */
    public static void printOverview(ClusterOverview o, PrintStream out, ZoneId zone) {
        out.println("TaskManagers: " + o.getTaskmanagersCount() + "    Slots: " + o.getSlotsAvailable() + " free of " + o.getSlotsTotal());
        out.println("Jobs: " + (o.getJobsByStatusMap().isEmpty() ? "none"
                : String.join(", ", new java.util.TreeMap<>(o.getJobsByStatusMap()).entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).toList())));
        DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone);
        for (TaskManagerInfo tm : o.getTaskmanagersList()) {
            out.printf("  %-16s %-22s slots %d/%d free  last heartbeat %s%n", tm.getTaskmanagerId(), tm.getRpcAddress(),
                    tm.getFreeSlots(), tm.getNumberOfSlots(),
                    tm.getLastHeartbeatMs() > 0 ? time.format(Instant.ofEpochMilli(tm.getLastHeartbeatMs())) : "-");
        }
    }

    /**
     * {@code flowmesh checkpoints --json}, with the field names of Flink's REST API
     * ({@code /jobs/:jobid/checkpoints}): {@code counts}, {@code latest_completed_id}, {@code history}.
     */
    public static String checkpointsJson(CheckpointHistory history) {
        ObjectNode root = JSON.createObjectNode().put("job_id", history.getJobId());
        root.putObject("counts").put("completed", history.getCompleted()).put("failed", history.getFailed())
                .put("in_progress", history.getInProgress()).put("total",
                        history.getCompleted() + history.getFailed() + history.getInProgress());
        if (history.getLatestCompletedId() == 0) {
            root.putNull("latest_completed_id");
        } else {
            root.put("latest_completed_id", history.getLatestCompletedId());
        }
        ArrayNode list = root.putArray("history");
        for (CheckpointStats c : history.getCheckpointsList()) {
            ObjectNode n = list.addObject().put("id", c.getCheckpointId()).put("checkpoint_type", checkpointType(c.getType()))
                    .put("status", checkpointStatus(c.getStatus())).put("is_savepoint", c.getType() != CheckpointType.CHECKPOINT)
                    .put("trigger_timestamp", c.getTriggerTimestampMs()).put("end_to_end_duration", c.getDurationMs())
                    .put("state_size", c.getStateSizeBytes()).put("num_acknowledged_subtasks", c.getAcknowledgedSubtasks())
                    .put("num_subtasks", c.getTotalSubtasks()).put("external_path", c.getLocation());
            if (!c.getFailureCause().isEmpty()) {
                n.put("failure_message", c.getFailureCause());
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
