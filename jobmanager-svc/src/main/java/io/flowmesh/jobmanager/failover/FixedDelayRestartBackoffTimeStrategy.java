package io.flowmesh.jobmanager.failover;

/**
 * {@code restart-strategy.type: fixed-delay}: restarts the job up to {@code attempts} times over
 * its whole life, each time {@code delayMs} after the failure; the failure after the last allowed
 * restart fails the job.
 */
public final class FixedDelayRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
    private final int attempts;
    private final long delayMs;
    private int failures;

    public FixedDelayRestartBackoffTimeStrategy(int attempts, long delayMs) {
        if (attempts < 0 || delayMs < 0) {
            throw new IllegalArgumentException("attempts and delay must not be negative");
        }
        this.attempts = attempts;
        this.delayMs = delayMs;
    }

    @Override
    public void notifyFailure(String cause) {
        if (failures < Integer.MAX_VALUE) {
            failures++;
        }
    }

    @Override
    public boolean canRestart() {
        return failures <= attempts;
    }

    @Override
    public long getBackoffTime() {
        return delayMs;
    }

    @Override
    public String toString() {
        return "FixedDelayRestartBackoffTimeStrategy(attempts=" + attempts + ", delayMs=" + delayMs + ", failures=" + failures + ")";
    }
}
