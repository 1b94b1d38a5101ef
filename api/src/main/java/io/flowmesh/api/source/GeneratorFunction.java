package io.flowmesh.api.source;

import io.flowmesh.api.functions.Function;

/** Makes record number {@code index}; called once per index, on the subtask that owns it. */
@FunctionalInterface
public interface GeneratorFunction<T> extends Function {
    T map(long index) throws Exception;
}
