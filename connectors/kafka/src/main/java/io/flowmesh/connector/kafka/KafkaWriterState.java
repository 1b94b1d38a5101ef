package io.flowmesh.connector.kafka;

import java.io.Serializable;

/**
 * Which transactional ids an exactly-once {@link KafkaSink} writer had used when it took a snapshot:
 * one entry in every snapshot of every writer, so that a restore, at any parallelism, knows the ids
 * whose lingering transactions it must abort: {@code <transactionalIdPrefix>-<subtask>-<slot>} for
 * {@code slot < poolSize} (ids the run added after the snapshot are found among the broker's ongoing
 * transactions; see {@link TransactionalIds}).
 *
 * @param parallelism the writer's parallelism when it took the snapshot
 * @param poolSize the number of transactional ids the subtask had used (its initial pool, and the ids it added)
 */
public record KafkaWriterState(String transactionalIdPrefix, int subtask, int parallelism, int poolSize) implements Serializable {

    public KafkaWriterState {
        if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank() || subtask < 0 || parallelism < 1 || subtask >= parallelism
                || poolSize < 1) {
            throw new IllegalArgumentException("invalid KafkaWriterState: prefix " + transactionalIdPrefix + ", subtask " + subtask
                    + " of " + parallelism + ", pool size " + poolSize);
        }
    }
}
