package io.flowmesh.api.windowing.assigners;

import io.flowmesh.api.windowing.windows.TimeWindow;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** Back-to-back windows of one size, aligned to the epoch (plus an offset). */
public class TumblingEventTimeWindows extends WindowAssigner<Object, TimeWindow> {
    private static final long serialVersionUID = 1L;
    final long size;
    final long offset;

    protected TumblingEventTimeWindows(long size, long offset) {
        if (size <= 0 || Math.abs(offset) >= size) {
            throw new IllegalArgumentException("tumbling windows need size > 0 and |offset| < size");
        }
        this.size = size;
        this.offset = offset;
    }

    public static TumblingEventTimeWindows of(Duration size) {
        return new TumblingEventTimeWindows(size.toMillis(), 0);
    }

    public static TumblingEventTimeWindows of(Duration size, Duration offset) {
        return new TumblingEventTimeWindows(size.toMillis(), offset.toMillis());
    }

    public long getSize() {
        return size;
    }

    @Override
    public Collection<TimeWindow> assignWindows(Object element, long timestamp) {
        long start = TimeWindow.getWindowStartWithOffset(timestamp, offset, size);
        return List.of(new TimeWindow(start, start + size));
    }

    @Override
    public boolean isEventTime() {
        return true;
    }
}
