package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.AggregateFunction;
import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.functions.ReduceFunction;
import io.flowmesh.api.windowing.WindowSpec;
import io.flowmesh.api.windowing.assigners.WindowAssigner;
import io.flowmesh.api.windowing.functions.ProcessWindowFunction;
import io.flowmesh.api.windowing.windows.TimeWindow;
import io.flowmesh.api.windowing.windows.Window;
import io.flowmesh.engine.state.HeapKeyedStateBackend;
import io.flowmesh.engine.state.KeyedRuntimeContext;
import io.flowmesh.engine.time.InternalTimerService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Windows per key, with Flink's default triggers: an event-time window fires when the watermark
 * reaches its max timestamp (a record that arrives later but within the allowed lateness updates it
 * and fires it again at once); its state is dropped at max timestamp + allowed lateness. A record
 * for which every window is past that is late: it goes to the late-data side output, or is dropped.
 * Processing-time windows fire on the wall clock, and at the end of a bounded input.
 *
 * <p>Contents per (key, window): the reduced value, the aggregate's accumulator, or the list of
 * records for a process function without pre-aggregation. A timer is registered when a window's
 * state is created, not per record. Session windows merge on every record.
 */
final class WindowOperator extends AbstractStreamOperator implements InternalTimerService.Triggerable<Window> {
    private final WindowAssigner<Object, Window> assigner;
    private final ReduceFunction<Object> reduce;
    private final AggregateFunction<Object, Object, Object> aggregate;
    private final ProcessWindowFunction<Object, Object, Object, Window> process;
    private final long allowedLateness;
    private final OutputTag<Object> lateTag;
    private final boolean eventTime;
    private final KeySelector<Object, Object> keySelector;
    private final OperatorContext context;
    private final HeapKeyedStateBackend backend;
    private final InternalTimerService<Window> timers;
    private final HashMap<Object, HashMap<Window, Object>> contents = new HashMap<>();
    private final Operators.TimestampedCollector collector;
    private Window firingWindow;
    private ProcessWindowFunction<Object, Object, Object, Window>.Context processContext;
    private long lateRecordsDropped;

    @SuppressWarnings("unchecked")
    WindowOperator(String name, WindowSpec spec, KeySelector<Object, Object> keySelector, OperatorContext context, Output output) {
        super(name, output);
        this.assigner = (WindowAssigner<Object, Window>) spec.assigner();
        this.reduce = (ReduceFunction<Object>) spec.reduceFunction();
        this.aggregate = (AggregateFunction<Object, Object, Object>) spec.aggregateFunction();
        this.process = (ProcessWindowFunction<Object, Object, Object, Window>) spec.processFunction();
        this.allowedLateness = spec.allowedLatenessMillis();
        this.lateTag = (OutputTag<Object>) spec.lateDataTag();
        this.eventTime = assigner.isEventTime();
        this.keySelector = keySelector;
        this.context = context;
        this.backend = context.newKeyedBackend();
        this.timers = new InternalTimerService<>(backend, context.processingTime(), this);
        this.collector = new Operators.TimestampedCollector(output);
        backend.registerComponent("windows", new io.flowmesh.engine.checkpoint.KeyedStateComponent() {
            @Override
            public void snapshot(EntryWriter out) {
                contents.forEach((key, windows) -> windows.forEach((w, content) -> out.entry(key, w, content)));
            }

            @Override
            public void restore(Object key, Object[] fields) {
                contents.computeIfAbsent(key, k -> new HashMap<>(4)).put((Window) fields[0], fields[1]);
            }
        });
    }

    @Override
    public boolean waitsForWatermarks() {
        return eventTime;
    }

    @Override
    public HeapKeyedStateBackend keyedStateBackend() {
        return backend;
    }

    @Override
    public void open() {
        KeyedRuntimeContext rc = new KeyedRuntimeContext(context.runtimeContext(), backend);
        openFunction(reduce, rc);
        openFunction(aggregate, rc);
        if (process != null) {
            openFunction(process, rc);
            processContext = process.new Context() {
                @Override
                public Window window() {
                    return firingWindow;
                }

                @Override
                public long currentProcessingTime() {
                    return context.processingTime().currentTime();
                }

                @Override
                public long currentWatermark() {
                    return currentWatermark;
                }

                @Override
                public <X> void output(OutputTag<X> tag, X value) {
                    output.emitSide(tag, value, collector.timestamp);
                }
            };
        }
    }

    @Override
    public void processElement(Object value, long timestamp) {
        try {
            Object key = keySelector.getKey(value);
            if (key == null) {
                throw new NullPointerException("the key selector returned null for record " + value);
            }
            backend.setCurrentKey(key);
            long time;
            if (eventTime) {
                if (timestamp == Output.NO_TIMESTAMP) {
                    throw new IllegalStateException("record " + value + " has no timestamp: event-time windows need timestamps "
                            + "(use fromSource(..., WatermarkStrategy, ...) or assignTimestampsAndWatermarks)");
                }
                time = timestamp;
            } else {
                time = context.processingTime().currentTime();
            }
            HashMap<Window, Object> windows = contents.computeIfAbsent(key, k -> new HashMap<>(4));
            boolean added = false;
            for (Window w : assigner.assignWindows(value, time)) {
                if (assigner.isMerging()) {
                    w = mergeWindows(key, windows, (TimeWindow) w);
                }
                if (isWindowLate(w)) {
                    continue;
                }
                added = true;
                Object acc = windows.get(w);
                if (acc == null && !windows.containsKey(w)) {
                    registerTimers(w);
                }
                windows.put(w, add(acc, value));
                if (eventTime && w.maxTimestamp() <= currentWatermark) {
                    fire(key, w, windows.get(w)); // late but within the allowed lateness: update at once
                }
            }
            if (!added) {
                if (lateTag != null) {
                    output.emitSide(lateTag, value, timestamp);
                } else {
                    lateRecordsDropped++;
                }
            }
            if (windows.isEmpty()) {
                contents.remove(key);
            }
        } catch (Exception e) {
            throw OperatorException.of(name, e);
        }
    }

    private boolean isWindowLate(Window w) {
        return eventTime && w.maxTimestamp() + allowedLateness <= currentWatermark;
    }

    private void registerTimers(Window w) {
        if (eventTime) {
            timers.registerEventTimeTimer(w, w.maxTimestamp());
            if (allowedLateness > 0) {
                timers.registerEventTimeTimer(w, w.maxTimestamp() + allowedLateness);
            }
        } else {
            timers.registerProcessingTimeTimer(w, w.maxTimestamp());
        }
    }

    private void deleteTimers(Window w) {
        if (eventTime) {
            timers.deleteEventTimeTimer(w, w.maxTimestamp());
            if (allowedLateness > 0) {
                timers.deleteEventTimeTimer(w, w.maxTimestamp() + allowedLateness);
            }
        } else {
            timers.deleteProcessingTimeTimer(w, w.maxTimestamp());
        }
    }

    /** Merges the new session window with every existing one of the key it overlaps; returns the window to add to. */
    private Window mergeWindows(Object key, HashMap<Window, Object> windows, TimeWindow w) throws Exception {
        TimeWindow merged = w;
        List<Window> absorbed = new ArrayList<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Window existing : windows.keySet()) {
                if (!absorbed.contains(existing) && ((TimeWindow) existing).intersects(merged)) {
                    merged = merged.cover((TimeWindow) existing);
                    absorbed.add(existing);
                    changed = true;
                }
            }
        }
        if (absorbed.size() == 1 && absorbed.get(0).equals(merged)) {
            return merged;
        }
        Object acc = null;
        boolean hasAcc = false;
        for (Window old : absorbed) {
            Object oldAcc = windows.remove(old);
            deleteTimers(old);
            acc = hasAcc ? mergeAccumulators(acc, oldAcc) : oldAcc;
            hasAcc = true;
        }
        if (hasAcc) {
            windows.put(merged, acc);
            registerTimers(merged);
        }
        return merged;
    }

    @SuppressWarnings("unchecked")
    private Object add(Object acc, Object value) throws Exception {
        if (reduce != null) {
            return acc == null ? value : reduce.reduce(acc, value);
        }
        if (aggregate != null) {
            return aggregate.add(value, acc == null ? aggregate.createAccumulator() : acc);
        }
        ArrayList<Object> list = acc == null ? new ArrayList<>() : (ArrayList<Object>) acc;
        list.add(value);
        return list;
    }

    @SuppressWarnings("unchecked")
    private Object mergeAccumulators(Object a, Object b) throws Exception {
        if (reduce != null) {
            return reduce.reduce(a, b);
        }
        if (aggregate != null) {
            return aggregate.merge(a, b);
        }
        ((ArrayList<Object>) a).addAll((ArrayList<Object>) b);
        return a;
    }

    @SuppressWarnings("unchecked")
    private void fire(Object key, Window w, Object acc) throws Exception {
        collector.timestamp = w.maxTimestamp();
        boolean preAggregated = reduce != null || aggregate != null;
        Object single = reduce != null ? acc : aggregate != null ? aggregate.getResult(acc) : null;
        if (process != null) {
            firingWindow = w;
            process.process(key, processContext, preAggregated ? java.util.Collections.singletonList(single) : (List<Object>) acc, collector);
        } else {
            collector.collect(single);
        }
    }

    @Override
    protected void onWatermark(long watermark) throws Exception {
        timers.advanceWatermark(watermark);
    }

    @Override
    public void onEventTime(InternalTimerService.Timer<Window> timer) throws Exception {
        onTimer(timer);
    }

    @Override
    public void onProcessingTime(InternalTimerService.Timer<Window> timer) throws Exception {
        onTimer(timer);
    }

    private void onTimer(InternalTimerService.Timer<Window> timer) throws Exception {
        Object key = timer.key();
        Window w = timer.namespace();
        HashMap<Window, Object> windows = contents.get(key);
        if (windows == null || !windows.containsKey(w)) {
            return;
        }
        boolean cleanup = timer.timestamp() == w.maxTimestamp() + allowedLateness;
        if (timer.timestamp() == w.maxTimestamp()) {
            fire(key, w, windows.get(w));
        }
        if (cleanup) {
            windows.remove(w);
            if (windows.isEmpty()) {
                contents.remove(key);
            }
        }
    }

    /** End of a bounded input: processing-time windows still open fire now (event-time ones fired on the final watermark). */
    @Override
    public void finish() throws Exception {
        if (eventTime) {
            return;
        }
        for (Iterator<Map.Entry<Object, HashMap<Window, Object>>> it = contents.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Object, HashMap<Window, Object>> e = it.next();
            backend.setCurrentKey(e.getKey());
            for (Map.Entry<Window, Object> w : e.getValue().entrySet()) {
                fire(e.getKey(), w.getKey(), w.getValue());
            }
            it.remove();
        }
    }

    long lateRecordsDropped() {
        return lateRecordsDropped;
    }

    @Override
    public void close() throws Exception {
        closeFunction(reduce);
        closeFunction(aggregate);
        closeFunction(process);
    }
}
