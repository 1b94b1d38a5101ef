package io.flowmesh.api.dag;

/** What a {@link OneInputTransformation} does with its function; the runtime picks the operator. */
public enum OperatorKind {
    /** {@code MapFunction}. */
    MAP,
    /** {@code FilterFunction}. */
    FILTER,
    /** {@code FlatMapFunction}. */
    FLAT_MAP,
    /** {@code ReduceFunction} on a keyed stream: a running reduce per key, one output per input. */
    KEYED_REDUCE,
    /** {@code ProcessFunction} on a non-keyed stream. */
    PROCESS,
    /** {@code KeyedProcessFunction}: keyed state, timers, side outputs. */
    KEYED_PROCESS,
    /** A window operator; the function is a {@code WindowSpec}. */
    WINDOW,
    /** Assigns timestamps and generates watermarks; the function is a {@code WatermarkStrategy} holder. */
    TIMESTAMPS_AND_WATERMARKS;

    /** True when the operator keeps keyed state and so needs a keyed input. */
    public boolean isKeyed() {
        return this == KEYED_REDUCE || this == KEYED_PROCESS || this == WINDOW;
    }
}
