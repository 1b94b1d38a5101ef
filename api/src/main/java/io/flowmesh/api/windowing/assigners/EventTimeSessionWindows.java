package io.flowmesh.api.windowing.assigners;

import io.flowmesh.api.windowing.windows.TimeWindow;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** Sessions: a record opens {@code [t, t + gap)}; windows of a key that overlap merge. */
public class EventTimeSessionWindows extends WindowAssigner<Object, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private final long gap;

    protected EventTimeSessionWindows(long gap) {
        if (gap <= 0) {
            throw new IllegalArgumentException("a session gap must be positive");
        }
        this.gap = gap;
    }

    public static EventTimeSessionWindows withGap(Duration gap) {
        return new EventTimeSessionWindows(gap.toMillis());
    }

    @Override
    public Collection<TimeWindow> assignWindows(Object element, long timestamp) {
        return List.of(new TimeWindow(timestamp, timestamp + gap));
    }

    @Override
    public boolean isEventTime() {
        return true;
    }

    @Override
    public boolean isMerging() {
        return true;
    }
}
