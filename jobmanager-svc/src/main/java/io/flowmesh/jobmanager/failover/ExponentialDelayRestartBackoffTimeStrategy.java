package io.flowmesh.jobmanager.failover;

import java.util.function.LongSupplier;

/**
 * {@code restart-strategy.type: exponential-delay} (the default when checkpointing is on): the
 * k-th restart since the last reset (k = 0, 1, ...) waits {@code initial * multiplier^k} plus a
 * jitter drawn from {@code [-j, +j]} with {@code j = floor(that * jitterFactor)}, the result kept
 * within {@code [initialBackoff, maxBackoff]}.
 *
 * <ul>
 *   <li>Failures up to the planned restart time belong to the same failure (a lost TaskManager
 *       fails many subtasks at once) and neither count nor grow the backoff.</li>
 *   <li>A failure at least {@code resetThreshold} after the previous planned restart time (the job
 *       ran that long without failing) starts over at the initial backoff and resets the count.</li>
 *   <li>The job fails when more than {@code attemptsBeforeReset} restarts would be needed since
 *       the last reset.</li>
 * </ul>
 */
public final class ExponentialDelayRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
    /** Draws a jitter offset in {@code [-bound, bound]}. */
    @FunctionalInterface
    public interface Jitter {
        long offset(long bound);
    }

    private static final long NONE = Long.MIN_VALUE;
    /** Caps the un-jittered backoff so that adding the jitter cannot overflow; far above any max. */
    private static final double CAP = Long.MAX_VALUE / 4.0;

    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final double multiplier;
    private final long resetThresholdMs;
    private final double jitterFactor;
    private final int attemptsBeforeReset;
    private final LongSupplier clock;
    private final Jitter jitter;

    private int restartsSinceReset;
    private long nextRestartAt = NONE;

    public ExponentialDelayRestartBackoffTimeStrategy(long initialBackoffMs, long maxBackoffMs, double multiplier, long resetThresholdMs,
            double jitterFactor, int attemptsBeforeReset, LongSupplier clock, Jitter jitter) {
        if (initialBackoffMs < 1 || maxBackoffMs < initialBackoffMs || !(multiplier > 1) || resetThresholdMs < 1
                || !(jitterFactor >= 0 && jitterFactor <= 1) || attemptsBeforeReset < 0) {
            throw new IllegalArgumentException("invalid exponential-delay settings");
        }
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.multiplier = multiplier;
        this.resetThresholdMs = resetThresholdMs;
        this.jitterFactor = jitterFactor;
        this.attemptsBeforeReset = attemptsBeforeReset;
        this.clock = clock;
        this.jitter = jitter;
    }

    @Override
    public void notifyFailure(String cause) {
        long now = clock.getAsLong();
        if (nextRestartAt != NONE && now <= nextRestartAt) {
            return;
        }
        if (nextRestartAt == NONE || now - nextRestartAt >= resetThresholdMs) {
            restartsSinceReset = 0;
        }
        nextRestartAt = now + backoff(restartsSinceReset);
        if (restartsSinceReset < Integer.MAX_VALUE) {
            restartsSinceReset++;
        }
    }

    private long backoff(int k) {
        double base = Math.min(initialBackoffMs * Math.pow(multiplier, k), CAP);
        long b = (long) base;
        long bound = (long) (b * jitterFactor);
        long offset = bound == 0 ? 0 : jitter.offset(bound);
        return Math.max(initialBackoffMs, Math.min(b + offset, maxBackoffMs));
    }

    @Override
    public boolean canRestart() {
        return restartsSinceReset <= attemptsBeforeReset;
    }

    @Override
    public long getBackoffTime() {
        return nextRestartAt == NONE ? 0 : Math.max(0, nextRestartAt - clock.getAsLong());
    }

    @Override
    public String toString() {
        return "ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMs=" + initialBackoffMs + ", maxBackoffMs=" + maxBackoffMs
                + ", multiplier=" + multiplier + ", resetThresholdMs=" + resetThresholdMs + ", jitterFactor=" + jitterFactor
                + ", attemptsBeforeReset=" + attemptsBeforeReset + ")";
    }
}
