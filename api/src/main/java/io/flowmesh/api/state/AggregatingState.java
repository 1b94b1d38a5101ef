package io.flowmesh.api.state;

/** An accumulator per key that {@code add} folds values into with the descriptor's aggregate function. */
public interface AggregatingState<IN, OUT> extends State {
    OUT get();

    void add(IN value);
}
