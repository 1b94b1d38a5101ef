package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.functions.KeyedCoProcessFunction;
import io.flowmesh.api.functions.KeyedProcessFunction;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.functions.TimeDomain;
import io.flowmesh.api.functions.TimerService;
import io.flowmesh.engine.state.HeapKeyedStateBackend;
import io.flowmesh.engine.state.KeyedRuntimeContext;
import io.flowmesh.engine.time.InternalTimerService;

/**
 * Runs a {@link KeyedProcessFunction}, or a {@link KeyedCoProcessFunction} over two inputs: sets the
 * current key before each record and timer, so that keyed state and timers are the key's (shared by
 * both inputs); fires event-time timers as watermarks pass them (before forwarding the watermark)
 * and processing-time timers on the task thread.
 */
final class KeyedProcessOperator extends AbstractUdfOperator<Function> implements InternalTimerService.Triggerable<String> {
    private static final String NS = "";

    /** Calls the function with its own context type. */
    private interface Invoker {
        void process1(Object value) throws Exception;

        void process2(Object value) throws Exception;

        void onTimer(long timestamp) throws Exception;
    }

    private final KeySelector<Object, Object> keySelector1;
    private final KeySelector<Object, Object> keySelector2;
    private final HeapKeyedStateBackend backend;
    private final InternalTimerService<String> timers;
    private final Operators.TimestampedCollector collector;
    private final TimerService timerService;
    private final Invoker invoker;
    private TimeDomain timeDomain;

    @Override
    public HeapKeyedStateBackend keyedStateBackend() {
        return backend;
    }

    KeyedProcessOperator(String name, KeyedProcessFunction<Object, Object, Object> fn, KeySelector<Object, Object> keySelector,
            OperatorContext context, Output output) {
        this(name, fn, keySelector, null, context, output);
    }

    KeyedProcessOperator(String name, Function fn, KeySelector<Object, Object> keySelector1, KeySelector<Object, Object> keySelector2,
            OperatorContext context, Output output) {
        super(name, fn, context, output);
        this.keySelector1 = keySelector1;
        this.keySelector2 = keySelector2;
        this.backend = context.newKeyedBackend();
        this.timers = new InternalTimerService<>(backend, context.processingTime(), this);
        this.collector = new Operators.TimestampedCollector(output);
        this.timerService = new TimerService() {
            @Override
            public long currentProcessingTime() {
                return timers.currentProcessingTime();
            }

            @Override
            public long currentWatermark() {
                return timers.currentWatermark();
            }

            @Override
            public void registerEventTimeTimer(long time) {
                timers.registerEventTimeTimer(NS, time);
            }

            @Override
            public void registerProcessingTimeTimer(long time) {
                timers.registerProcessingTimeTimer(NS, time);
            }

            @Override
            public void deleteEventTimeTimer(long time) {
                timers.deleteEventTimeTimer(NS, time);
            }

            @Override
            public void deleteProcessingTimeTimer(long time) {
                timers.deleteProcessingTimeTimer(NS, time);
            }
        };
        this.invoker = fn instanceof KeyedCoProcessFunction<?, ?, ?, ?> co ? coInvoker(asCo(co)) : oneInvoker(asOne(fn));
    }

    @SuppressWarnings("unchecked")
    private static KeyedProcessFunction<Object, Object, Object> asOne(Function fn) {
        return (KeyedProcessFunction<Object, Object, Object>) fn;
    }

    @SuppressWarnings("unchecked")
    private static KeyedCoProcessFunction<Object, Object, Object, Object> asCo(KeyedCoProcessFunction<?, ?, ?, ?> fn) {
        return (KeyedCoProcessFunction<Object, Object, Object, Object>) fn;
    }

    private Long currentTimestamp() {
        return collector.timestamp == Output.NO_TIMESTAMP ? null : collector.timestamp;
    }

    private Invoker oneInvoker(KeyedProcessFunction<Object, Object, Object> f) {
        // an OnTimerContext is a Context: one object serves records and timers
        KeyedProcessFunction<Object, Object, Object>.OnTimerContext ctx = f.new OnTimerContext() {
            @Override
            public Long timestamp() {
                return currentTimestamp();
            }

            @Override
            public TimerService timerService() {
                return timerService;
            }

            @Override
            public <X> void output(OutputTag<X> tag, X value) {
                output.emitSide(tag, value, collector.timestamp);
            }

            @Override
            public Object getCurrentKey() {
                return backend.getCurrentKey();
            }

            @Override
            public TimeDomain timeDomain() {
                return timeDomain;
            }
        };
        return new Invoker() {
            @Override
            public void process1(Object value) throws Exception {
                f.processElement(value, ctx, collector);
            }

            @Override
            public void process2(Object value) {
                throw new UnsupportedOperationException("a KeyedProcessFunction has one input");
            }

            @Override
            public void onTimer(long timestamp) throws Exception {
                f.onTimer(timestamp, ctx, collector);
            }
        };
    }

    private Invoker coInvoker(KeyedCoProcessFunction<Object, Object, Object, Object> f) {
        KeyedCoProcessFunction<Object, Object, Object, Object>.OnTimerContext ctx = f.new OnTimerContext() {
            @Override
            public Long timestamp() {
                return currentTimestamp();
            }

            @Override
            public TimerService timerService() {
                return timerService;
            }

            @Override
            public <X> void output(OutputTag<X> tag, X value) {
                output.emitSide(tag, value, collector.timestamp);
            }

            @Override
            public Object getCurrentKey() {
                return backend.getCurrentKey();
            }

            @Override
            public TimeDomain timeDomain() {
                return timeDomain;
            }
        };
        return new Invoker() {
            @Override
            public void process1(Object value) throws Exception {
                f.processElement1(value, ctx, collector);
            }

            @Override
            public void process2(Object value) throws Exception {
                f.processElement2(value, ctx, collector);
            }

            @Override
            public void onTimer(long timestamp) throws Exception {
                f.onTimer(timestamp, ctx, collector);
            }
        };
    }

    @Override
    protected io.flowmesh.api.functions.RuntimeContext functionContext() {
        return new KeyedRuntimeContext(context.runtimeContext(), backend);
    }

    @Override
    public void processElement(Object value, long timestamp) {
        try {
            setKey(keySelector1, value);
            collector.timestamp = timestamp;
            invoker.process1(value);
        } catch (Exception e) {
            throw OperatorException.of(name, e);
        }
    }

    @Override
    public void processElement2(Object value, long timestamp) {
        try {
            setKey(keySelector2, value);
            collector.timestamp = timestamp;
            invoker.process2(value);
        } catch (Exception e) {
            throw OperatorException.of(name, e);
        }
    }

    private void setKey(KeySelector<Object, Object> selector, Object value) throws Exception {
        Object key = selector.getKey(value);
        if (key == null) {
            throw new NullPointerException("the key selector returned null for record " + value);
        }
        backend.setCurrentKey(key);
    }

    @Override
    protected void onWatermark(long watermark) throws Exception {
        timers.advanceWatermark(watermark);
    }

    @Override
    public void onEventTime(InternalTimerService.Timer<String> timer) throws Exception {
        fire(timer, TimeDomain.EVENT_TIME);
    }

    @Override
    public void onProcessingTime(InternalTimerService.Timer<String> timer) throws Exception {
        fire(timer, TimeDomain.PROCESSING_TIME);
    }

    private void fire(InternalTimerService.Timer<String> timer, TimeDomain domain) throws Exception {
        timeDomain = domain;
        collector.timestamp = timer.timestamp();
        try {
            invoker.onTimer(timer.timestamp());
        } catch (Exception e) {
            throw OperatorException.of(name, e);
        }
    }
}
