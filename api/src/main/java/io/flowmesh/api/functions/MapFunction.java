package io.flowmesh.api.functions;

/** Transforms one record into exactly one record. Called on the subtask's thread, one record at a time. */
@FunctionalInterface
public interface MapFunction<T, R> extends Function {
    R map(T value) throws Exception;
}
