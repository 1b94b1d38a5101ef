package io.flowmesh.api.sink;

import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.RuntimeContext;

/** Where a stream ends. Each sink subtask creates one {@link SinkWriter} on its TaskManager. */
public interface Sink<T> extends Function {
    SinkWriter<T> createWriter(RuntimeContext context) throws Exception;
}
