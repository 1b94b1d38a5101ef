package io.flowmesh.engine.checkpoint;

import io.flowmesh.proto.CheckpointType;

/**
 * Barrier {@code id}, travelling in-band behind the records it follows. It carries where the
 * subtasks write their state for this checkpoint, so a subtask needs nothing but its inputs.
 */
public record CheckpointBarrier(long id, long timestamp, CheckpointType type, String location, boolean exactlyOnce) {
    public boolean isSavepoint() {
        return type != CheckpointType.CHECKPOINT;
    }

    /** Stop with savepoint: the sources end their input once this savepoint completed. */
    public boolean stopsJob() {
        return type == CheckpointType.SAVEPOINT_STOP || type == CheckpointType.SAVEPOINT_STOP_DRAIN;
    }
}
