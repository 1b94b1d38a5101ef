package io.flowmesh.api.windowing.windows;

/** A window of a keyed stream; its result is emitted with timestamp {@link #maxTimestamp()}. */
public abstract class Window {
    /** The largest timestamp that belongs to the window. */
    public abstract long maxTimestamp();
}
