package io.flowmesh.api.source;

/**
 * Reads one subtask's share of a source. The subtask's thread calls {@link #pollNext} in a loop;
 * each call emits a small batch of records (a few hundred at most) and returns, so that the task can
 * interleave other work (flushing buffers, barriers, cancellation) between calls. Never blocks for
 * long: return {@link InputStatus#NOTHING_AVAILABLE} instead.
 */
public interface SourceReader<T> extends AutoCloseable {
    InputStatus pollNext(ReaderOutput<T> output) throws Exception;

    @Override
    default void close() throws Exception {}
}
