package io.flowmesh.connector.kafka;

import java.io.Serializable;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link KafkaSource} reader's position in one partition, as Flink's {@code KafkaPartitionSplit}:
 * the entry that {@link KafkaSourceReader#snapshotState} returns per owned partition and that
 * {@link KafkaSource#restoreReader} takes back. Everything below {@code nextOffset} has been emitted
 * (or skipped: transaction markers, aborted records); a restored reader resumes at {@code nextOffset}.
 *
 * @param nextOffset the next offset to read, {@code >= 0}
 * @param stoppingOffset in bounded mode the offset the partition stops before, fixed when the
 *     partition was first read so that every restore stops at the same end; {@link #NO_STOPPING_OFFSET}
 *     when unbounded
 */
public record KafkaPartitionSplit(String topic, int partition, long nextOffset, long stoppingOffset) implements Serializable {
    /** The {@code stoppingOffset} of an unbounded partition. */
    public static final long NO_STOPPING_OFFSET = -1;

    public KafkaPartitionSplit {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("KafkaPartitionSplit needs a topic");
        }
        if (partition < 0 || nextOffset < 0 || stoppingOffset < NO_STOPPING_OFFSET) {
            throw new IllegalArgumentException("KafkaPartitionSplit " + topic + "-" + partition + ": invalid partition or offsets (next "
                    + nextOffset + ", stopping " + stoppingOffset + ")");
        }
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    public boolean isBounded() {
        return stoppingOffset != NO_STOPPING_OFFSET;
    }
}
