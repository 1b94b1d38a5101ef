package io.flowmesh.cluster.events;

import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobStatusChanged;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.TaskStatusChanged;

/** Builders for lifecycle events, and Flink's names for the states. */
public final class LifecycleEvents {
    private LifecycleEvents() {}

    public static LifecycleEvent jobStatus(String jobId, String reporter, JobStatus previous, JobStatus status, int attempt, String cause) {
        return LifecycleEvent.newBuilder().setJobId(jobId).setTimestampMs(System.currentTimeMillis()).setReporter(reporter)
                .setJobStatusChanged(JobStatusChanged.newBuilder().setPreviousStatus(previous).setStatus(status).setAttempt(attempt)
                        .setFailureCause(cause == null ? "" : cause))
                .build();
    }

    public static LifecycleEvent taskStatus(String jobId, String reporter, TaskStatusChanged.Builder task) {
        return LifecycleEvent.newBuilder().setJobId(jobId).setTimestampMs(System.currentTimeMillis()).setReporter(reporter)
                .setTaskStatusChanged(task).build();
    }

    /** Flink's name of an execution state: {@code EXECUTION_RUNNING} → {@code RUNNING}. */
    public static String name(ExecutionState state) {
        String n = state.name();
        return n.startsWith("EXECUTION_") ? n.substring("EXECUTION_".length()) : n;
    }

    public static boolean isTerminal(JobStatus s) {
        return s == JobStatus.FINISHED || s == JobStatus.FAILED || s == JobStatus.CANCELED;
    }

    public static boolean isTerminal(ExecutionState s) {
        return s == ExecutionState.EXECUTION_FINISHED || s == ExecutionState.EXECUTION_FAILED || s == ExecutionState.EXECUTION_CANCELED;
    }

    /** "ExceptionClass: message" followed by the stack trace, for failure causes. */
    public static String describe(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
