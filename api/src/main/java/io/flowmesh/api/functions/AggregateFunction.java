package io.flowmesh.api.functions;

/** Incremental aggregation with an accumulator, as Flink's {@code AggregateFunction}. */
public interface AggregateFunction<IN, ACC, OUT> extends Function {
    ACC createAccumulator();

    ACC add(IN value, ACC accumulator);

    OUT getResult(ACC accumulator);

    /** Merges two accumulators (session windows); may reuse {@code a}. */
    ACC merge(ACC a, ACC b);
}
