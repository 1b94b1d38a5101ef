package io.flowmesh.api.functions;

/**
 * The most general function on a keyed stream, as Flink's: per record, with keyed state (from
 * {@code getRuntimeContext().getState(...)}), timers of the current key, and side outputs.
 */
public abstract class KeyedProcessFunction<K, I, O> extends AbstractRichFunction {
    private static final long serialVersionUID = 1L;

    public abstract void processElement(I value, Context ctx, Collector<O> out) throws Exception;

    /** Called when a timer registered for a key fires; state and the timer service are the key's. */
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<O> out) throws Exception {}

    public abstract class Context {
        /** The record's timestamp (for onTimer, the timer's), or null. */
        public abstract Long timestamp();

        public abstract TimerService timerService();

        public abstract <X> void output(OutputTag<X> outputTag, X value);

        public abstract K getCurrentKey();
    }

    public abstract class OnTimerContext extends Context {
        public abstract TimeDomain timeDomain();
    }
}
