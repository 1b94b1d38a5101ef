package io.flowmesh.engine.operators;

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

    default void close() throws Exception {}
}
