package io.flowmesh.api.metrics;

/**
 * A value read when the metrics are reported (as Flink's {@code Gauge}), on a reporter thread, not
 * on the subtask's thread: it must be cheap, thread-safe and never block.
 */
@FunctionalInterface
public interface Gauge<T> {
    T getValue();
}
