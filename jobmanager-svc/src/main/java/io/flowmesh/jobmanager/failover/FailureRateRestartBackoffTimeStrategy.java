package io.flowmesh.jobmanager.failover;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * {@code restart-strategy.type: failure-rate}: restarts the job {@code delayMs} after each failure
 * as long as fewer than {@code maxFailuresPerInterval} failures fall within the last
 * {@code intervalMs} (both ends included). As in Flink's implementation, the job fails on the
 * failure that makes it {@code maxFailuresPerInterval} failures within one interval; so with the
 * default of 1 the first failure already fails the job.
 */
public final class FailureRateRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
    private final int maxFailuresPerInterval;
    private final long intervalMs;
    private final long delayMs;
    private final LongSupplier clock;
    /** The latest failures, oldest first; at most {@code maxFailuresPerInterval}. */
    private final ArrayDeque<Long> failures = new ArrayDeque<>();

    public FailureRateRestartBackoffTimeStrategy(int maxFailuresPerInterval, long intervalMs, long delayMs, LongSupplier clock) {
        if (maxFailuresPerInterval < 1 || intervalMs < 1 || delayMs < 0) {
            throw new IllegalArgumentException("need at least 1 failure per interval, an interval of at least 1 ms and a delay >= 0");
        }
        this.maxFailuresPerInterval = maxFailuresPerInterval;
        this.intervalMs = intervalMs;
        this.delayMs = delayMs;
        this.clock = clock;
    }

    @Override
    public void notifyFailure(String cause) {
        if (failures.size() == maxFailuresPerInterval) {
            failures.removeFirst();
        }
        failures.addLast(clock.getAsLong());
    }

    @Override
    public boolean canRestart() {
        if (failures.size() < maxFailuresPerInterval) {
            return true;
        }
        return clock.getAsLong() - failures.getFirst() > intervalMs;
    }

    @Override
    public long getBackoffTime() {
        return delayMs;
    }

    @Override
    public String toString() {
        return "FailureRateRestartBackoffTimeStrategy(maxFailuresPerInterval=" + maxFailuresPerInterval + ", intervalMs=" + intervalMs
                + ", delayMs=" + delayMs + ")";
    }
}
