package io.flowmesh.api.windowing.assigners;

import java.time.Duration;

/** Tumbling windows of processing time. */
public final class TumblingProcessingTimeWindows extends TumblingEventTimeWindows {
    private static final long serialVersionUID = 1L;

    private TumblingProcessingTimeWindows(long size, long offset) {
        super(size, offset);
    }

    public static TumblingProcessingTimeWindows of(Duration size) {
        return new TumblingProcessingTimeWindows(size.toMillis(), 0);
    }

    @Override
    public boolean isEventTime() {
        return false;
    }
}
