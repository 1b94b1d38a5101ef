package io.flowmesh.connector.kafka;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.engine.local.JobExecutionException;
import io.flowmesh.engine.local.LocalExecutor;
import io.flowmesh.engine.task.TaskSettings;
import io.flowmesh.engine.testing.CollectSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The source in pipelines run in process by {@link LocalExecutor}, against a real Kafka
 * ({@link LocalKafka}). The reader's own contract, driven directly, is in
 * {@link KafkaSourceReaderIT}.
 */
class KafkaSourceIT {
    private static final int N = 20_000;
    private static final String NUMBERS = "numbers";
    /** Partition in the high bits, offset in the low ones: one long per record position. */
    private static final int PARTITION_SHIFT = 40;
    private static final long T0 = LocalKafka.T0;

    /** Kept, with the cluster's logs, when the cluster or the class's setup failed. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path runDir;
    private static LocalKafka kafka;
    /** What was produced to {@link #NUMBERS}: position to value. */
    private static final Map<Long, Long> produced = new HashMap<>();

    @BeforeAll
    static void up() throws Exception {
        kafka = LocalKafka.start(runDir);
        kafka.createTopic(NUMBERS, 4);
        List<Future<RecordMetadata>> sent = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            byte[] key = Integer.toString((i * 31 + 7) % 1000).getBytes(US_ASCII);
            byte[] value = Integer.toString(i % 1000).getBytes(US_ASCII);
            sent.add(kafka.producer().send(new ProducerRecord<>(NUMBERS, key, value)));
        }
        for (int i = 0; i < N; i++) {
            RecordMetadata m = sent.get(i).get();
            produced.put(position(m.partition(), m.offset()), (long) (i % 1000));
        }
    }

    @AfterAll
    static void down() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void clearExecutor() {
        StreamExecutionEnvironment.clearContextExecutor();
    }

    private static long position(int partition, long offset) {
        return ((long) partition << PARTITION_SHIFT) | offset;
    }

    /** An environment whose jobs run in this JVM, the cluster's Kafka known to them as on a TaskManager. */
    private static StreamExecutionEnvironment env(int parallelism) {
        LocalExecutor executor = new LocalExecutor(TaskSettings.DEFAULTS, Map.of(KafkaSink.CLUSTER_BOOTSTRAP_SERVERS, kafka.bootstrap()));
        StreamExecutionEnvironment.setContextExecutor(executor, Map.of());
        return StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void boundedPipelineReadsEveryRecordExactlyOnce(int parallelism) throws Exception {
        CollectSink<Tuple2<Long, Long>> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(parallelism);
        KafkaSource<Tuple2<Long, String>> source = KafkaSource.<Tuple2<Long, String>>builder()
                .setTopics(NUMBERS)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer((key, value, topic, partition, offset, timestamp) ->
                        Tuple2.of(((long) partition << PARTITION_SHIFT) | offset, new String(value, US_ASCII)))
                .build();
        env.fromSource(source, "numbers").map(t -> Tuple2.of(t.f0, Long.parseLong(t.f1))).sinkTo(sink);
        env.execute("kafka-source-p" + parallelism);

        List<Tuple2<Long, Long>> results = sink.results();
        Map<Long, Long> expectedCounts = new HashMap<>();
        for (int i = 0; i < N; i++) {
            expectedCounts.merge((long) (i % 1000), 1L, Long::sum);
        }
        Map<Long, Long> counts = new HashMap<>();
        Map<Long, Long> byPosition = new HashMap<>();
        for (Tuple2<Long, Long> t : results) {
            counts.merge(t.f1, 1L, Long::sum);
            byPosition.put(t.f0, t.f1);
        }
        assertThat(results).hasSize(N);
        assertThat(byPosition).as("no (partition, offset) twice").hasSize(N);
        assertThat(counts).isEqualTo(expectedCounts);
        assertThat(byPosition).as("every record, with the value produced at its position").isEqualTo(produced);
        Set<Integer> partitions = new HashSet<>();
        byPosition.keySet().forEach(p -> partitions.add((int) (p >>> PARTITION_SHIFT)));
        assertThat(partitions).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void aDeserializerFailureFailsTheJobNamingTopicPartitionAndOffset() throws Exception {
        String topic = "poison";
        kafka.createTopic(topic, 2);
        RecordMetadata poison = null;
        for (int i = 0; i < 10; i++) {
            kafka.produce(topic, 0, T0 + i, Integer.toString(i));
            RecordMetadata m = kafka.produce(topic, 1, T0 + i, i == 6 ? "boom" : Integer.toString(i));
            if (i == 6) {
                poison = m;
            }
        }
        CollectSink<Long> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(2);
        env.fromSource(KafkaSource.<Long>builder().setTopics(topic).setBounded(OffsetsInitializer.latest())
                .setDeserializer(KafkaRecordDeserializer.valueOnly(v -> Long.parseLong(new String(v, US_ASCII)))).build(), "poison")
                .sinkTo(sink);
        assertThatThrownBy(() -> env.execute("poison"))
                .isInstanceOf(JobExecutionException.class)
                .hasMessageContaining("topic 'poison', partition 1, offset " + poison.offset())
                .hasMessageContaining("NumberFormatException");
    }
}
