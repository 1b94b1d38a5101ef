package io.flowmesh.api.windowing.windows;

import java.io.Serializable;

/** The time interval {@code [start, end)}, in epoch milliseconds. */
public final class TimeWindow extends Window implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long start;
    private final long end;

    public TimeWindow(long start, long end) {
        this.start = start;
        this.end = end;
    }

    public long getStart() {
        return start;
    }

    /** Exclusive. */
    public long getEnd() {
        return end;
    }

    @Override
    public long maxTimestamp() {
        return end - 1;
    }

    public boolean intersects(TimeWindow other) {
        return start <= other.end && end >= other.start;
    }

    public TimeWindow cover(TimeWindow other) {
        return new TimeWindow(Math.min(start, other.start), Math.max(end, other.end));
    }

    /** The start of the window of {@code size} (aligned to epoch + {@code offset}) that holds {@code timestamp}. */
    public static long getWindowStartWithOffset(long timestamp, long offset, long size) {
        long remainder = (timestamp - offset) % size;
        return remainder < 0 ? timestamp - (remainder + size) : timestamp - remainder;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeWindow w && w.start == start && w.end == end;
    }

    /**
     * Mixes all bits of start and end (as Flink's {@code longToIntWithBitMixing}): aligned windows have
     * starts that are multiples of their size, and a plain {@code start * 31 + end} then shares its low
     * bits across every window — hash maps and sets of windows fall into a few buckets.
     */
    @Override
    public int hashCode() {
        long h = (start * 31 + end) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    @Override
    public String toString() {
        return "TimeWindow{start=" + start + ", end=" + end + "}";
    }
}
