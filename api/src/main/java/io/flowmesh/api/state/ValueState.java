package io.flowmesh.api.state;

/** One value per key; {@code value()} is null (or the descriptor's default) when there is none. */
public interface ValueState<T> extends State {
    T value();

    void update(T value);
}
