package io.flowmesh.api.source;

/** The outcome of {@link SourceReader#pollNext}. */
public enum InputStatus {
    /** Call again at once. */
    MORE_AVAILABLE,
    /** Nothing to read right now; the task backs off briefly before calling again. */
    NOTHING_AVAILABLE,
    /** The reader's share of the input is exhausted; never called again. */
    END_OF_INPUT
}
