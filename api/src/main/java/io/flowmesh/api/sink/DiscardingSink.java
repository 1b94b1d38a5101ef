package io.flowmesh.api.sink;

import io.flowmesh.api.functions.RuntimeContext;

/** Drops every record, as Flink's {@code DiscardingSink}; for benchmarks and tests. */
public final class DiscardingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public SinkWriter<T> createWriter(RuntimeContext context) {
        return element -> {};
    }
}
