package io.flowmesh.api.functions;

/** Transforms one record into zero, one or more records, emitted through the collector during the call. */
@FunctionalInterface
public interface FlatMapFunction<T, R> extends Function {
    void flatMap(T value, Collector<R> out) throws Exception;
}
