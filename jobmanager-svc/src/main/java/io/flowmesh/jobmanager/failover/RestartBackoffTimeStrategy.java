package io.flowmesh.jobmanager.failover;

/**
 * Decides whether a failed job is restarted and after how long (Flink's
 * {@code RestartBackoffTimeStrategy}). One instance per job, created at submission from the job's
 * {@code restart-strategy.*} configuration by {@link RestartStrategies}; confined to the
 * scheduler's main thread (no synchronization).
 *
 * <p>Protocol: on every failure of the job (a failed subtask, a lost TaskManager, a FailJob
 * request, a restart that could not get slots or state) the scheduler calls
 * {@link #notifyFailure}, then {@link #canRestart}; if that is true it restarts the job
 * {@link #getBackoffTime} milliseconds after the failure at the earliest.
 */
public interface RestartBackoffTimeStrategy {
    /** Records a failure that happened now (the strategy's clock). */
    void notifyFailure(String cause);

    /** Whether the job may be restarted after the failures recorded so far. */
    boolean canRestart();

    /** Milliseconds from now until the restart may happen (0 before any failure). */
    long getBackoffTime();

    /** Creates a fresh strategy for one job. */
    @FunctionalInterface
    interface Factory {
        RestartBackoffTimeStrategy create();
    }
}
