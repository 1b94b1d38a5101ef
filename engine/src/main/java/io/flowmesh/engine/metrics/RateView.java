package io.flowmesh.engine.metrics;

/**
 * A per-second rate of a growing count over the interval between the last two samples (Flink's
 * {@code MeterView}). {@link #update} runs on one thread; {@link #rate} may be read by any.
 */
final class RateView {
    private long lastCount;
    private long lastNanos;
    private boolean sampled;
    private volatile double rate;

    void update(long count, long nowNanos) {
        if (sampled && nowNanos > lastNanos) {
            rate = Math.max(0, count - lastCount) * 1e9 / (nowNanos - lastNanos);
        }
        lastCount = count;
        lastNanos = nowNanos;
        sampled = true;
    }

    double rate() {
        return rate;
    }
}
