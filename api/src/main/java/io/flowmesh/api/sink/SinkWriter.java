package io.flowmesh.api.sink;

/**
 * Writes one sink subtask's records. Called on the subtask's thread: {@code write} for every record,
 * {@code flush(true)} once at the end of a bounded input, then {@code close} (also after a failure or
 * cancellation, where {@code flush} is not called).
 */
public interface SinkWriter<T> extends AutoCloseable {
    void write(T element) throws Exception;

    /** Makes everything written so far durable; {@code endOfInput} is true for the last call. */
    default void flush(boolean endOfInput) throws Exception {}

    @Override
    default void close() throws Exception {}
}
