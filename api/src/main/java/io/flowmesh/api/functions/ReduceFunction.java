package io.flowmesh.api.functions;

/**
 * Combines two values of the same key into one. On a keyed stream, {@code reduce} keeps the running
 * result per key in keyed state and emits it after every input record.
 */
@FunctionalInterface
public interface ReduceFunction<T> extends Function {
    T reduce(T accumulated, T value) throws Exception;
}
