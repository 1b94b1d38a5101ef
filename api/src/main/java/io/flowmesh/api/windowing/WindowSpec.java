package io.flowmesh.api.windowing;

import io.flowmesh.api.functions.AggregateFunction;
import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.functions.ReduceFunction;
import io.flowmesh.api.windowing.assigners.WindowAssigner;
import io.flowmesh.api.windowing.functions.ProcessWindowFunction;

/**
 * What a window operator does, as recorded by {@code WindowedStream}: the assigner, how elements
 * are combined (reduce, aggregate, or kept for a process function), the window function, the
 * allowed lateness and the side output for late data. Exactly one of reduce / aggregate may be set.
 */
public record WindowSpec(WindowAssigner<?, ?> assigner, ReduceFunction<?> reduceFunction, AggregateFunction<?, ?, ?> aggregateFunction,
        ProcessWindowFunction<?, ?, ?, ?> processFunction, long allowedLatenessMillis, OutputTag<?> lateDataTag) implements Function {
}
