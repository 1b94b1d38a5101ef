package io.flowmesh.api.sink;

import java.util.List;

/**
 * Writes one sink subtask's records. Called on the subtask's thread: {@code write} for every record,
 * {@code flush(true)} once at the end of a bounded input, then {@code close} (also after a failure or
 * cancellation, where {@code flush} is not called).
 *
 * <p>Checkpoints: when barrier <i>n</i> reaches the sink, the task calls {@code flush(false)} and
 * then {@link #snapshotState}; when checkpoint <i>n</i> is complete (every subtask's state is
 * durable), {@link #notifyCheckpointComplete}. An exactly-once writer pre-commits in
 * {@code snapshotState} (returns what it must commit: its committables) and commits in
 * {@code notifyCheckpointComplete}; a restore hands the committables back to
 * {@link Sink#restoreWriter}, which commits them again (committing must be idempotent).
 */
public interface SinkWriter<T> extends AutoCloseable {
    void write(T element) throws Exception;

    /**
     * Makes everything written so far durable (at least once); {@code endOfInput} is true for the
     * last call. Called at every checkpoint barrier too.
     */
    default void flush(boolean endOfInput) throws Exception {}

    /**
     * The writer's state at checkpoint {@code checkpointId}, after {@code flush(false)}: small
     * serializable objects. A restore gives the union of every subtask's list to each new writer.
     */
    default List<Object> snapshotState(long checkpointId) throws Exception {
        return List.of();
    }

    /** Checkpoint {@code checkpointId} (and every earlier one) is complete: commit what it covers. */
    default void notifyCheckpointComplete(long checkpointId) throws Exception {}

    @Override
    default void close() throws Exception {}
}
