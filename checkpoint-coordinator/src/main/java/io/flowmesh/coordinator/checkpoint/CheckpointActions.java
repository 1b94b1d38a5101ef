package io.flowmesh.coordinator.checkpoint;

import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.CheckpointType;

/**
 * The I/O that {@link JobCheckpoints} decides on and the coordinator performs: Kafka, S3, the
 * JobManager and metrics. Called on the coordinator thread; only {@link #writeMetadata} blocks
 * (the {@code completed} event must follow a durable {@code _metadata}).
 */
public interface CheckpointActions {
    /** Publishes on the checkpoints topic, keyed by job id; events of one job stay in call order. */
    void publish(CheckpointEvent event);

    /** Writes {@code <location>/_metadata}; throws a RuntimeException naming the URI when S3 refuses. */
    void writeMetadata(String location, CheckpointMetadata metadata);

    /** Deletes every file under the location, in the background; failures are logged. */
    void discard(String location);

    /** Asks the JobManager to fail the job's attempt, in the background; failures are logged. */
    void failJob(String jobId, int attempt, String cause);

    void recordCompleted(String jobId, CheckpointType type, long durationMs, long stateSizeBytes);

    void recordFailed(String jobId, CheckpointType type);
}
