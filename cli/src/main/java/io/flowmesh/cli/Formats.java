package io.flowmesh.cli;

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
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
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
}
