package io.flowmesh.api.functions;

/** Maps the records of two connected streams into one type: {@code map1} for the first input, {@code map2} for the second. */
public interface CoMapFunction<IN1, IN2, OUT> extends Function {
    OUT map1(IN1 value) throws Exception;

    OUT map2(IN2 value) throws Exception;
}
