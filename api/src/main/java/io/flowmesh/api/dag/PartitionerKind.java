package io.flowmesh.api.dag;

/** How records travel from an operator to the next when they are not simply chained. */
public enum PartitionerKind {
    /** Subtask i to subtask i; chains when the parallelism is equal. */
    FORWARD,
    /** By key group of the record's key (keyBy). */
    HASH,
    /** Round robin. */
    REBALANCE,
    /** Every record to every subtask. */
    BROADCAST
}
