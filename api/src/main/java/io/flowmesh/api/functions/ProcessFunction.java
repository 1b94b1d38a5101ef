package io.flowmesh.api.functions;

/** The most general one-input function on a non-keyed stream: records in, any number out, side outputs. */
public abstract class ProcessFunction<I, O> extends AbstractRichFunction {
    private static final long serialVersionUID = 1L;

    public abstract void processElement(I value, Context ctx, Collector<O> out) throws Exception;

    /** What the function may see and do besides emitting. */
    public abstract class Context {
        /** The record's timestamp, or null when it has none. */
        public abstract Long timestamp();

        public abstract long currentWatermark();

        public abstract long currentProcessingTime();

        public abstract <X> void output(OutputTag<X> outputTag, X value);
    }
}
