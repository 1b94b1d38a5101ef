package io.flowmesh.api.source;

import java.util.List;

/**
 * Reads one subtask's share of a source. The subtask's thread calls {@link #pollNext} in a loop;
 * each call emits a small batch of records (a few hundred at most) and returns, so that the task can
 * interleave other work (flushing buffers, barriers, cancellation) between calls. Never blocks for
 * long: return {@link InputStatus#NOTHING_AVAILABLE} instead.
 *
 * <p>Checkpoints: between two calls of {@code pollNext}, the task calls {@link #snapshotState} and
 * then emits the checkpoint's barrier, so the returned state is exactly the position after the
 * records emitted so far. A reader restored from a checkpoint is created by
 * {@link Source#restoreReader}. All methods run on the subtask's thread.
 */
public interface SourceReader<T> extends AutoCloseable {
    InputStatus pollNext(ReaderOutput<T> output) throws Exception;

    /**
     * The reader's position, as a list of small serializable objects (for example one per split:
     * partition and next offset). A restore gives the union of every subtask's list to each new
     * reader, which takes what belongs to it, so the list must say which part of the input each
     * entry covers. The default: no state (a restored reader starts from the beginning).
     */
    default List<Object> snapshotState(long checkpointId) throws Exception {
        return List.of();
    }

    /** Checkpoint {@code checkpointId} (and every earlier one) is complete. */
    default void notifyCheckpointComplete(long checkpointId) throws Exception {}

    @Override
    default void close() throws Exception {}
}
