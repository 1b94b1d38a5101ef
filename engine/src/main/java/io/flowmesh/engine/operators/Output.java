package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.OutputTag;

/**
 * Where an operator emits: the next operator of the chain (by call) or the subtask's record
 * writers. Records carry a timestamp ({@link #NO_TIMESTAMP} if none); watermarks and side-output
 * records travel the same way. Exceptions of downstream operators propagate unchecked.
 */
public interface Output {
    long NO_TIMESTAMP = Long.MIN_VALUE;

    void emit(Object value, long timestamp);

    void emitWatermark(long watermark);

    /** A record for side output {@code tag}; dropped when nothing consumes that side output. */
    void emitSide(OutputTag<?> tag, Object value, long timestamp);

    /** The chain went idle (no records for a while) or became active again. */
    void emitStatus(boolean idle);

    /** Drops everything (the output of a sink). */
    Output DISCARDING = new Output() {
        @Override
        public void emit(Object value, long timestamp) {}

        @Override
        public void emitWatermark(long watermark) {}

        @Override
        public void emitSide(OutputTag<?> tag, Object value, long timestamp) {}

        @Override
        public void emitStatus(boolean idle) {}
    };
}
