package io.flowmesh.engine.operators;

import io.flowmesh.engine.state.HeapKeyedStateBackend;
import java.util.List;

/**
 * One operator of a chain. The subtask's thread calls {@link #open} once, then
 * {@link #processElement} for every record and {@link #processWatermark} for every watermark (in
 * order with the records), {@link #finish} once at the end of a bounded input (it may still emit),
 * and {@link #close} always, also after a failure or cancellation.
 */
public interface StreamOperator {
    default void open() throws Exception {}

    /** Unchecked: user-function failures arrive wrapped in {@link OperatorException}. */
    void processElement(Object value, long timestamp);

    /** A record of the second input (two-input operators only). */
    default void processElement2(Object value, long timestamp) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has one input");
    }

    /** Fires what the watermark completes (timers, windows), then forwards it. */
    void processWatermark(long watermark);

    default void finish() throws Exception {}

    /**
     * True when this operator keeps state until the watermark passes it (event-time windows): its
     * subtask then keeps its inputs' watermarks close together (see {@code StreamTask}), so an input
     * far ahead does not pile up state that only the slowest input's watermark can release.
     */
    default boolean waitsForWatermarks() {
        return false;
    }

    /**
     * The operator's keyed state (tables, timers and other registered parts), for checkpoints and
     * restores; null for an operator without keyed state.
     */
    default HeapKeyedStateBackend keyedStateBackend() {
        return null;
    }

    /**
     * The operator's non-keyed state at barrier {@code checkpointId} (after every record before the
     * barrier): a union list; empty when it has none. A sink flushes and pre-commits here.
     */
    default List<Object> snapshotOperatorState(long checkpointId) throws Exception {
        return List.of();
    }

    /** Before {@link #open}: the union of every previous subtask's {@link #snapshotOperatorState} lists. */
    default void restoreOperatorState(List<Object> union) throws Exception {}

    /** Checkpoint {@code checkpointId} is complete (every subtask's state is durable). */
    default void notifyCheckpointComplete(long checkpointId) throws Exception {}

    default void close() throws Exception {}
}
