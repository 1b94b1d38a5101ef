package io.flowmesh.api.functions;

/**
 * Extracts the key of a record for {@code keyBy}. The key must not be null, and its
 * {@code hashCode} must be deterministic across JVMs (no identity hash codes): it decides the
 * record's key group, {@code murmur(key.hashCode()) % maxParallelism}, and so the subtask that
 * owns the key's state.
 */
@FunctionalInterface
public interface KeySelector<T, K> extends Function {
    K getKey(T value) throws Exception;
}
