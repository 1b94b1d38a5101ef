package io.flowmesh.api.windowing.assigners;

import java.time.Duration;

/** Sessions in processing time. */
public final class ProcessingTimeSessionWindows extends EventTimeSessionWindows {
    private static final long serialVersionUID = 1L;

    private ProcessingTimeSessionWindows(long gap) {
        super(gap);
    }

    public static ProcessingTimeSessionWindows withGap(Duration gap) {
        return new ProcessingTimeSessionWindows(gap.toMillis());
    }

    @Override
    public boolean isEventTime() {
        return false;
    }
}
