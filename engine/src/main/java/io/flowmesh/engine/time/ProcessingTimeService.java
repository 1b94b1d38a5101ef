package io.flowmesh.engine.time;

import java.util.PriorityQueue;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Wall-clock callbacks that run on the subtask's own thread: the task loop calls
 * {@link #fireDue()} between records and waits for input at most until {@link #nextDeadline()}. So
 * timers, periodic watermarks and window firings never race with record processing. Not
 * thread-safe: only the task thread uses it.
 */
public final class ProcessingTimeService {
    private record Scheduled(long time, long seq, LongConsumer callback) {}

    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>((a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final LongSupplier clock;
    private long seq;

    public ProcessingTimeService() {
        this(System::currentTimeMillis);
    }

    public ProcessingTimeService(LongSupplier clock) {
        this.clock = clock;
    }

    public long currentTime() {
        return clock.getAsLong();
    }

    /** Runs {@code callback(time)} on the task thread once the clock reaches {@code time}. */
    public void schedule(long time, LongConsumer callback) {
        queue.add(new Scheduled(time, seq++, callback));
    }

    /** The earliest scheduled time, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        Scheduled s = queue.peek();
        return s == null ? Long.MAX_VALUE : s.time;
    }

    /** Runs every callback that is due, in time order. */
    public void fireDue() {
        if (queue.isEmpty()) {
            return;
        }
        long now = clock.getAsLong();
        while (!queue.isEmpty() && queue.peek().time <= now) {
            Scheduled s = queue.poll();
            s.callback.accept(s.time);
        }
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }
}
