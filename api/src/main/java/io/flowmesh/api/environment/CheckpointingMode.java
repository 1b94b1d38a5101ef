package io.flowmesh.api.environment;

/** What a checkpoint guarantees, as in Flink ({@code execution.checkpointing.mode}). */
public enum CheckpointingMode {
    /**
     * Barriers are aligned: a subtask with several inputs holds back each input whose barrier has
     * arrived until every input's has, so the snapshot reflects exactly the records before it.
     */
    EXACTLY_ONCE,
    /**
     * Barriers are not aligned: inputs are never held back, so after a restore some records may be
     * processed a second time. Lower latency under backpressure.
     */
    AT_LEAST_ONCE
}
