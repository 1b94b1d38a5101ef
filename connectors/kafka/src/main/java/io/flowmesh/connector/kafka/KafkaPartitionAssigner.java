package io.flowmesh.connector.kafka;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Which source subtask reads which partition, as Flink's {@code KafkaTopicPartitionAssigner}: a
 * topic's partitions go round robin over the subtasks, starting at a subtask derived from the
 * topic's name, so that several topics do not all start at subtask 0. Every partition has exactly
 * one owner; a subtask may own none.
 */
final class KafkaPartitionAssigner {

    private KafkaPartitionAssigner() {}

    /** The subtask (0-based) of {@code numSubtasks} that reads {@code partition} of {@code topic}. */
    static int assign(String topic, int partition, int numSubtasks) {
        if (numSubtasks < 1) {
            throw new IllegalArgumentException("numSubtasks must be >= 1, was " + numSubtasks);
        }
        int startIndex = ((topic.hashCode() * 31) & 0x7FFFFFFF) % numSubtasks;
        return (startIndex + partition) % numSubtasks;
    }

    /** The partitions among {@code partitions} that {@code subtask} owns, in the given order. */
    static List<TopicPartition> owned(List<PartitionInfo> partitions, int subtask, int numSubtasks) {
        List<TopicPartition> owned = new ArrayList<>();
        for (PartitionInfo p : partitions) {
            if (assign(p.topic(), p.partition(), numSubtasks) == subtask) {
                owned.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        return owned;
    }
}
