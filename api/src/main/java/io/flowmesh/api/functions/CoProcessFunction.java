package io.flowmesh.api.functions;

/** The process function of two connected, non-keyed streams (no keyed state or timers). */
public abstract class CoProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
    private static final long serialVersionUID = 1L;

    public abstract void processElement1(IN1 value, Context ctx, Collector<OUT> out) throws Exception;

    public abstract void processElement2(IN2 value, Context ctx, Collector<OUT> out) throws Exception;

    public abstract class Context {
        public abstract Long timestamp();

        public abstract long currentWatermark();

        public abstract <X> void output(OutputTag<X> outputTag, X value);
    }
}
