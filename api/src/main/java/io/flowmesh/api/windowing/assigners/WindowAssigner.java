package io.flowmesh.api.windowing.assigners;

import io.flowmesh.api.windowing.windows.Window;
import java.io.Serializable;
import java.util.Collection;

/**
 * Puts each record into zero or more windows. The default trigger goes with the assigner: an
 * event-time window fires when the watermark passes its end, a processing-time window when the
 * clock does.
 */
public abstract class WindowAssigner<T, W extends Window> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** @param timestamp the record's event time (event-time assigners) or the current processing time */
    public abstract Collection<W> assignWindows(T element, long timestamp);

    public abstract boolean isEventTime();

    /** True for session windows, whose windows merge when they overlap. */
    public boolean isMerging() {
        return false;
    }
}
