package io.flowmesh.api.functions;

/**
 * Where a function emits records. Valid only during the call it was passed to; the record is handed
 * on by call (chained operators) or serialized before {@code collect} returns, so the caller may
 * reuse the object afterwards.
 */
public interface Collector<T> {
    void collect(T record);
}
