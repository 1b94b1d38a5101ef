package io.flowmesh.engine.exchange;

/** Names one subpartition cluster-wide: which job attempt, which producer subtask, which consumer. */
public record SubpartitionId(String jobId, int attempt, String producerVertexId, int producerSubtask, String consumerVertexId,
        int subpartitionIndex) {}
