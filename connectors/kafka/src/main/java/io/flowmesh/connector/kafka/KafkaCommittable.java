package io.flowmesh.connector.kafka;

import java.io.Serializable;

/**
 * A Kafka transaction that an exactly-once {@link KafkaSink} writer pre-committed at a checkpoint
 * barrier and commits when the checkpoint completes: the entry its
 * {@link io.flowmesh.api.sink.SinkWriter#snapshotState} returns for every transaction not committed
 * yet, and that {@link KafkaSink#restoreWriter} commits again (idempotently) after a failure.
 *
 * @param transactionalId the producer's {@code transactional.id} ({@code <prefix>-<subtask>-<slot>})
 * @param producerId the producer id the broker gave the transaction's producer
 * @param epoch the producer epoch of the transaction (with transactions V2, one epoch per transaction)
 * @param transactionV2 whether the producer ran the transaction with Kafka's transaction protocol V2
 *     (KIP-890); the commit after a restore must speak the same version
 * @param checkpointId the checkpoint whose barrier closed the transaction
 * @param subtask the writer's subtask index; after a restore, subtask {@code subtask % parallelism} commits it
 */
public record KafkaCommittable(String transactionalId, long producerId, short epoch, boolean transactionV2, long checkpointId, int subtask)
        implements Serializable {

    public KafkaCommittable {
        if (transactionalId == null || transactionalId.isBlank() || producerId < 0 || epoch < 0 || subtask < 0) {
            throw new IllegalArgumentException("invalid KafkaCommittable: transactional id " + transactionalId + ", producer id " + producerId
                    + ", epoch " + epoch + ", subtask " + subtask);
        }
    }
}
