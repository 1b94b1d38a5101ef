package io.flowmesh.engine.checkpoint;

import io.flowmesh.proto.OperatorSubtaskState;
import java.util.List;

/**
 * How a subtask tells the coordinator about its part of a checkpoint: on a TaskManager, events on
 * the checkpoints topic. Called from the task's thread or from an upload thread; thread-safe.
 */
public interface CheckpointResponder {
    CheckpointResponder NONE = new CheckpointResponder() {
        @Override
        public void acknowledge(long checkpointId, List<OperatorSubtaskState> states, long sizeBytes, CheckpointTimings timings,
                boolean endOfInput) {}

        @Override
        public void decline(long checkpointId, Throwable cause) {}
    };

    /**
     * The subtask's state for {@code checkpointId} is durable at the given files. {@code endOfInput}:
     * the subtask is a source whose input had ended before the barrier (it emits nothing after it);
     * false for every other subtask.
     */
    void acknowledge(long checkpointId, List<OperatorSubtaskState> states, long sizeBytes, CheckpointTimings timings, boolean endOfInput);

    void decline(long checkpointId, Throwable cause);

    /**
     * A source subtask's input ended; it now waits for a checkpoint that covers its end (the final
     * checkpoint), which the coordinator may trigger at once. Called once, on the task's thread.
     */
    default void inputEnded() {}
}
