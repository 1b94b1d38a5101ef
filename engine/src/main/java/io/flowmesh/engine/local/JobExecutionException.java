package io.flowmesh.engine.local;

/** A job run in process did not finish; the cause is the first subtask failure. */
public final class JobExecutionException extends Exception {
    public JobExecutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
