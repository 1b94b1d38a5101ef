package io.flowmesh.api.state;

/** A value per key that {@code add} combines with the descriptor's reduce function. */
public interface ReducingState<T> extends State {
    T get();

    void add(T value);
}
