package io.flowmesh.engine.operators;

/**
 * One operator of a chain. The subtask's thread calls {@link #open} once, {@link #processElement} for
 * every input record, {@link #finish} once at the end of a bounded input (it may still emit), and
 * {@link #close} always, also after a failure or cancellation.
 */
public interface StreamOperator {
    default void open() throws Exception {}

    /** Unchecked: user-function failures arrive wrapped in {@link OperatorException}. */
    void processElement(Object record);

    default void finish() throws Exception {}

    default void close() throws Exception {}
}
