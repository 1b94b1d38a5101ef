package io.flowmesh.api.windowing.assigners;

import java.time.Duration;

/** Sliding windows of processing time. */
public final class SlidingProcessingTimeWindows extends SlidingEventTimeWindows {
    private static final long serialVersionUID = 1L;

    private SlidingProcessingTimeWindows(long size, long slide) {
        super(size, slide, 0);
    }

    public static SlidingProcessingTimeWindows of(Duration size, Duration slide) {
        return new SlidingProcessingTimeWindows(size.toMillis(), slide.toMillis());
    }

    @Override
    public boolean isEventTime() {
        return false;
    }
}
