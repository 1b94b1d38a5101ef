package io.flowmesh.api.state;

import java.util.List;

/** A list per key. {@code get()} returns an empty iterable when there is none. */
public interface ListState<T> extends State {
    Iterable<T> get();

    void add(T value);

    void addAll(List<T> values);

    void update(List<T> values);
}
