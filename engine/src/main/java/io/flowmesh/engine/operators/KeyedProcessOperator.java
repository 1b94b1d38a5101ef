package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.functions.KeyedProcessFunction;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.functions.TimeDomain;
import io.flowmesh.api.functions.TimerService;
import io.flowmesh.engine.state.HeapKeyedStateBackend;
import io.flowmesh.engine.state.KeyedRuntimeContext;
import io.flowmesh.engine.time.InternalTimerService;

/**
 * Runs a {@link KeyedProcessFunction}: sets the current key before each record and timer, so that
 * keyed state and timers are the key's; fires event-time timers as watermarks pass them (before
 * forwarding the watermark) and processing-time timers on the task thread.
 */
final class KeyedProcessOperator extends AbstractUdfOperator<KeyedProcessFunction<Object, Object, Object>>
        implements InternalTimerService.Triggerable<String> {
    private static final String NS = "";

    private final KeySelector<Object, Object> keySelector;
    private final HeapKeyedStateBackend backend;
    private final InternalTimerService<String> timers;
    private final Operators.TimestampedCollector collector;
    private final KeyedProcessFunction<Object, Object, Object>.OnTimerContext ctx;
    private TimeDomain timeDomain;

    KeyedProcessOperator(String name, KeyedProcessFunction<Object, Object, Object> fn, KeySelector<Object, Object> keySelector,
            OperatorContext context, Output output) {
        super(name, fn, context, output);
        this.keySelector = keySelector;
        this.backend = context.newKeyedBackend();
        this.timers = new InternalTimerService<>(backend, context.processingTime(), this);
        this.collector = new Operators.TimestampedCollector(output);
        TimerService timerService = new TimerService() {
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
        // an OnTimerContext is a Context: one object serves records and timers
        this.ctx = fn.new OnTimerContext() {
            @Override
            public Long timestamp() {
                return collector.timestamp == Output.NO_TIMESTAMP ? null : collector.timestamp;
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
    }

    @Override
    protected io.flowmesh.api.functions.RuntimeContext functionContext() {
        return new KeyedRuntimeContext(context.runtimeContext(), backend);
    }

    @Override
    public void processElement(Object value, long timestamp) {
        try {
            Object key = keySelector.getKey(value);
            if (key == null) {
                throw new NullPointerException("the key selector returned null for record " + value);
            }
            backend.setCurrentKey(key);
            collector.timestamp = timestamp;
            fn.processElement(value, ctx, collector);
        } catch (Exception e) {
            throw OperatorException.of(name, e);
        }
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
            fn.onTimer(timer.timestamp(), ctx, collector);
        } catch (Exception e) {
            throw OperatorException.of(name, e);
        }
    }
}
