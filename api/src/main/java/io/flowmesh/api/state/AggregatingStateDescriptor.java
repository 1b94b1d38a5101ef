package io.flowmesh.api.state;

import io.flowmesh.api.functions.AggregateFunction;

public final class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<ACC> {
    private static final long serialVersionUID = 1L;
    private final AggregateFunction<IN, ACC, OUT> aggregateFunction;

    public AggregatingStateDescriptor(String name, AggregateFunction<IN, ACC, OUT> aggregateFunction) {
        super(name);
        this.aggregateFunction = aggregateFunction;
    }

    public AggregatingStateDescriptor(String name, AggregateFunction<IN, ACC, OUT> aggregateFunction, Class<ACC> accumulatorType) {
        this(name, aggregateFunction);
    }

    public AggregateFunction<IN, ACC, OUT> getAggregateFunction() {
        return aggregateFunction;
    }
}
