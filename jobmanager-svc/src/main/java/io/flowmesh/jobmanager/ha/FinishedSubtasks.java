package io.flowmesh.jobmanager.ha;

import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.TaskStatusChanged;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Which subtasks of which attempt of some jobs reported {@code FINISHED} on the lifecycle topic,
 * read once from the beginning to the end offsets of the moment of the call. A new JobManager
 * leader asks before it recovers a job: subtasks keep running while no JobManager leads, so a
 * bounded job may have finished in that gap — then it is finished, not run again (its sinks
 * already committed everything at the end of their input). Blocking; call off the main thread.
 */
public final class FinishedSubtasks {
    private FinishedSubtasks() {}

    /** @return job id → attempt → finished subtasks ({@code <vertex id>/<subtask index>}) */
    public static Map<String, Map<Integer, Set<String>>> read(String bootstrapServers, String topic, Set<String> jobIds, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowmesh-jobmanager-recovery");
        Map<String, Map<Integer, Set<String>>> finished = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    LifecycleEvent e;
                    try {
                        e = LifecycleEvent.parseFrom(r.value());
                    } catch (Exception malformed) {
                        continue;
                    }
                    if (e.hasTaskStatusChanged() && jobIds.contains(e.getJobId())
                            && e.getTaskStatusChanged().getState() == ExecutionState.EXECUTION_FINISHED) {
                        TaskStatusChanged t = e.getTaskStatusChanged();
                        finished.computeIfAbsent(e.getJobId(), j -> new HashMap<>()).computeIfAbsent(t.getAttempt(), a -> new HashSet<>())
                                .add(t.getVertexId() + "/" + t.getSubtaskIndex());
                    }
                }
            }
        }
        return finished;
    }
}
