package io.flowmesh.engine.checkpoint;

/**
 * Where one subtask's part of a checkpoint spent its time, as Flink's checkpoint details show it.
 *
 * @param startDelayMillis from the trigger's timestamp to the first barrier reaching the subtask
 *     (a source: to the trigger reaching its thread)
 * @param alignmentMillis from the first barrier to the last (exactly-once: the inputs held back
 *     meanwhile); 0 with a single input
 * @param syncMillis the synchronous part: the snapshot of the chain's state and forwarding the barrier
 * @param asyncMillis the upload of the state files
 */
public record CheckpointTimings(long startDelayMillis, long alignmentMillis, long syncMillis, long asyncMillis) {}
