package io.flowmesh.engine.time;

import io.flowmesh.engine.state.HeapKeyedStateBackend;
import java.util.HashSet;
import java.util.PriorityQueue;

/**
 * Timers of a keyed operator, per (key, namespace, time) — registering one twice fires it once.
 * Event-time timers fire when {@link #advanceWatermark} passes them, processing-time timers through
 * the task's {@link ProcessingTimeService}. Before a timer fires, the backend's current key is set
 * to the timer's key. Task thread only.
 *
 * @param <N> the namespace: the window for window operators, a constant for process functions
 */
public final class InternalTimerService<N> {

    public record Timer<N>(long timestamp, Object key, N namespace) {}

    /** The operator side: what to do when a timer fires. */
    public interface Triggerable<N> {
        void onEventTime(Timer<N> timer) throws Exception;

        void onProcessingTime(Timer<N> timer) throws Exception;
    }

    private final PriorityQueue<Timer<N>> eventTimers = new PriorityQueue<>((a, b) -> Long.compare(a.timestamp, b.timestamp));
    private final HashSet<Timer<N>> eventTimerSet = new HashSet<>();
    private final PriorityQueue<Timer<N>> processingTimers = new PriorityQueue<>((a, b) -> Long.compare(a.timestamp, b.timestamp));
    private final HashSet<Timer<N>> processingTimerSet = new HashSet<>();
    private final HeapKeyedStateBackend backend;
    private final ProcessingTimeService processingTime;
    private final Triggerable<N> triggerable;
    private long currentWatermark = Long.MIN_VALUE;
    private long scheduledProcessingTime = Long.MAX_VALUE;

    public InternalTimerService(HeapKeyedStateBackend backend, ProcessingTimeService processingTime, Triggerable<N> triggerable) {
        this.backend = backend;
        this.processingTime = processingTime;
        this.triggerable = triggerable;
        backend.registerComponent("timers", new io.flowmesh.engine.checkpoint.KeyedStateComponent() {
            @Override
            public void snapshot(EntryWriter out) {
                for (Timer<N> t : eventTimerSet) {
                    out.entry(t.key, t.namespace, t.timestamp, Boolean.TRUE);
                }
                for (Timer<N> t : processingTimerSet) {
                    out.entry(t.key, t.namespace, t.timestamp, Boolean.FALSE);
                }
            }

            @Override
            @SuppressWarnings("unchecked")
            public void restore(Object key, Object[] fields) {
                Timer<N> t = new Timer<>((Long) fields[1], key, (N) fields[0]);
                if ((Boolean) fields[2]) {
                    if (eventTimerSet.add(t)) {
                        eventTimers.add(t);
                    }
                } else if (processingTimerSet.add(t)) {
                    processingTimers.add(t);
                    if (t.timestamp < scheduledProcessingTime) {
                        scheduledProcessingTime = t.timestamp;
                        processingTime.schedule(t.timestamp, InternalTimerService.this::onProcessingTime);
                    }
                }
            }
        });
    }

    public long currentWatermark() {
        return currentWatermark;
    }

    public long currentProcessingTime() {
        return processingTime.currentTime();
    }

    public void registerEventTimeTimer(N namespace, long time) {
        Timer<N> t = new Timer<>(time, backend.getCurrentKey(), namespace);
        if (eventTimerSet.add(t)) {
            eventTimers.add(t);
        }
    }

    public void deleteEventTimeTimer(N namespace, long time) {
        Timer<N> t = new Timer<>(time, backend.getCurrentKey(), namespace);
        if (eventTimerSet.remove(t)) {
            eventTimers.remove(t);
        }
    }

    public void registerProcessingTimeTimer(N namespace, long time) {
        Timer<N> t = new Timer<>(time, backend.getCurrentKey(), namespace);
        if (processingTimerSet.add(t)) {
            processingTimers.add(t);
            if (time < scheduledProcessingTime) {
                scheduledProcessingTime = time;
                processingTime.schedule(time, this::onProcessingTime);
            }
        }
    }

    public void deleteProcessingTimeTimer(N namespace, long time) {
        Timer<N> t = new Timer<>(time, backend.getCurrentKey(), namespace);
        if (processingTimerSet.remove(t)) {
            processingTimers.remove(t);
        }
    }

    /** Fires every event-time timer at or below the watermark, in time order. */
    public void advanceWatermark(long watermark) throws Exception {
        currentWatermark = watermark;
        Timer<N> t;
        while ((t = eventTimers.peek()) != null && t.timestamp <= watermark) {
            eventTimers.poll();
            eventTimerSet.remove(t);
            backend.setCurrentKey(t.key);
            triggerable.onEventTime(t);
        }
    }

    private void onProcessingTime(long time) {
        if (time != scheduledProcessingTime) {
            return; // superseded by an earlier schedule
        }
        scheduledProcessingTime = Long.MAX_VALUE;
        long now = processingTime.currentTime();
        Timer<N> t;
        try {
            while ((t = processingTimers.peek()) != null && t.timestamp <= now) {
                processingTimers.poll();
                processingTimerSet.remove(t);
                backend.setCurrentKey(t.key);
                triggerable.onProcessingTime(t);
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new RuntimeException(e);
        }
        if ((t = processingTimers.peek()) != null) {
            scheduledProcessingTime = t.timestamp;
            processingTime.schedule(t.timestamp, this::onProcessingTime);
        }
    }

    public int numberOfEventTimers() {
        return eventTimers.size();
    }
}
