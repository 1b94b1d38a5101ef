package io.flowmesh.api.state;

import io.flowmesh.api.functions.ReduceFunction;

public final class ReducingStateDescriptor<T> extends StateDescriptor<T> {
    private static final long serialVersionUID = 1L;
    private final ReduceFunction<T> reduceFunction;

    public ReducingStateDescriptor(String name, ReduceFunction<T> reduceFunction) {
        super(name);
        this.reduceFunction = reduceFunction;
    }

    public ReducingStateDescriptor(String name, ReduceFunction<T> reduceFunction, Class<T> type) {
        this(name, reduceFunction);
    }

    public ReduceFunction<T> getReduceFunction() {
        return reduceFunction;
    }
}
