package io.flowmesh.api.functions;

/** The flatMap of two connected streams. */
public interface CoFlatMapFunction<IN1, IN2, OUT> extends Function {
    void flatMap1(IN1 value, Collector<OUT> out) throws Exception;

    void flatMap2(IN2 value, Collector<OUT> out) throws Exception;
}
