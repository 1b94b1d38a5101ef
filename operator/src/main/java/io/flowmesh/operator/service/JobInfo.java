package io.flowmesh.operator.service;

/**
 * A job as the dispatcher reports it.
 *
 * @param state Flink's job state name (RUNNING, FAILED, ...)
 * @param startTimeMs epoch millis
 * @param failureCause the root cause when the job failed, else empty
 */
public record JobInfo(String jobId, String jobName, String state, long startTimeMs, String failureCause) {
    /** FAILED, CANCELED or FINISHED: the job will not run again by itself. */
    public boolean isTerminal() {
        return state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED");
    }
}
