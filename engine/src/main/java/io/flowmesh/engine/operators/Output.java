package io.flowmesh.engine.operators;

/**
 * Where an operator emits: the next operator of the chain (by call) or the subtask's record writers.
 * Exceptions of downstream operators propagate unchecked through {@code emit}.
 */
@FunctionalInterface
public interface Output {
    void emit(Object record);

    Output DISCARDING = record -> {};
}
