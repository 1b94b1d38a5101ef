package io.flowmesh.connector.kafka;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.source.InputStatus;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.engine.local.JobExecutionException;
import io.flowmesh.engine.local.LocalExecutor;
import io.flowmesh.engine.task.TaskSettings;
import io.flowmesh.engine.testing.CollectSink;
import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The source against a real Kafka (started as {@code flowmesh local up} starts it, without the
 * services, on free ports in a temporary run dir), in pipelines run in process by
 * {@link LocalExecutor} and through its reader directly. Needs {@code local/kafka-broker} and
 * {@code local/s3-server} packaged; the repository root comes from the system property
 * {@code flowmesh.home}.
 */
class KafkaSourceIT {
    private static final int N = 20_000;
    private static final String NUMBERS = "numbers";
    /** Partition in the high bits, offset in the low ones: one long per record position. */
    private static final int PARTITION_SHIFT = 40;
    /** A base for the record timestamps the tests set: recent, so that no broker limit or retention applies. */
    private static final long T0 = System.currentTimeMillis() - 60_000;

    @TempDir
    static Path runDir;
    private static final List<Long> pids = new ArrayList<>();
    private static String bootstrap;
    private static Admin admin;
    private static KafkaProducer<byte[], byte[]> producer;
    /** What was produced to {@link #NUMBERS}: position to value. */
    private static final Map<Long, Long> produced = new HashMap<>();

    @BeforeAll
    static void up() throws Exception {
        Path home = Path.of(System.getProperty("flowmesh.home", "../..")).toAbsolutePath().normalize();
        LocalClusterOptions options = LocalClusterOptions.defaults(home).withRunDir(runDir).withStartServices(false).withFreePorts();
        LocalClusterState state = null;
        try {
            state = LocalCluster.up(options, System.out);
        } finally {
            // whatever was spawned, even by a start that failed half-way, is stopped in @AfterAll
            LocalClusterState.read(runDir).ifPresent(s -> s.processes().forEach(p -> pids.add(p.pid())));
            if (state != null) {
                state.processes().forEach(p -> pids.add(p.pid()));
            }
        }
        bootstrap = state.kafkaBootstrap();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5"), new ByteArraySerializer(), new ByteArraySerializer());

        createTopic(NUMBERS, 4);
        List<Future<RecordMetadata>> sent = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            byte[] key = Integer.toString((i * 31 + 7) % 1000).getBytes(US_ASCII);
            byte[] value = Integer.toString(i % 1000).getBytes(US_ASCII);
            sent.add(producer.send(new ProducerRecord<>(NUMBERS, key, value)));
        }
        for (int i = 0; i < N; i++) {
            RecordMetadata m = sent.get(i).get();
            produced.put(position(m.partition(), m.offset()), (long) (i % 1000));
        }
    }

    @AfterAll
    static void down() {
        try {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        } finally {
            LocalCluster.down(runDir, System.out);
            List<Long> survivors = new ArrayList<>();
            for (long pid : pids) {
                Optional<ProcessHandle> alive = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
                alive.ifPresent(ProcessHandle::destroyForcibly); // never leave a JVM behind, even on a bug in down
                alive.ifPresent(p -> survivors.add(pid));
            }
            assertThat(pids).as("the cluster's processes were recorded").isNotEmpty();
            assertThat(survivors).as("processes that survived LocalCluster.down").isEmpty();
        }
    }

    @AfterEach
    void clearExecutor() {
        StreamExecutionEnvironment.clearContextExecutor();
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }

    private static long position(int partition, long offset) {
        return ((long) partition << PARTITION_SHIFT) | offset;
    }

    private static RecordMetadata produce(String topic, int partition, long timestamp, String value) throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition, timestamp, null, value.getBytes(US_ASCII))).get();
    }

    /** An environment whose jobs run in this JVM, the cluster's Kafka known to them as on a TaskManager. */
    private static StreamExecutionEnvironment env(int parallelism) {
        LocalExecutor executor = new LocalExecutor(TaskSettings.DEFAULTS, Map.of(KafkaSink.CLUSTER_BOOTSTRAP_SERVERS, bootstrap));
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
    void recordsProducedAfterTheReadersStartedAreNotRead() throws Exception {
        String topic = "late";
        createTopic(topic, 3);
        for (int i = 0; i < 50; i++) {
            produce(topic, 0, T0 + i, "early-0-" + i);
            produce(topic, 1, T0 + 1_000 + i, "early-1-" + i);
        }
        // partition 2 is empty when the readers start: done at once, though records arrive later
        KafkaSource<String> source = KafkaSource.<String>builder().setBootstrapServers(bootstrap).setTopics(topic)
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(KafkaRecordDeserializer.valueOnly(v -> new String(v, US_ASCII))).build();
        List<KafkaSourceReader<String>> readers = List.of(source.createReader(TestContext.of(0, 2, Map.of())),
                source.createReader(TestContext.of(1, 2, Map.of())));
        try {
            for (int i = 0; i < 30; i++) {
                for (int p = 0; p < 3; p++) {
                    produce(topic, p, T0 + 9_000 + i, "late-" + p + "-" + i);
                }
            }
            ListOutput<String> out = new ListOutput<>();
            for (KafkaSourceReader<String> reader : readers) {
                readToEnd(reader, out);
            }
            assertThat(out.records).hasSize(100).allMatch(v -> v.startsWith("early-"));
            for (int i = 0; i < out.size(); i++) {
                String[] parts = out.records.get(i).split("-");
                long expected = T0 + (parts[1].equals("0") ? 0 : 1_000) + Long.parseLong(parts[2]);
                assertThat(out.timestamps.get(i)).as("the Kafka timestamp of %s", out.records.get(i)).isEqualTo(expected);
            }
            Map<TopicPartition, Long> offsets = new HashMap<>();
            readers.forEach(r -> offsets.putAll(r.currentOffsets()));
            assertThat(offsets).isEqualTo(Map.of(new TopicPartition(topic, 0), 50L, new TopicPartition(topic, 1), 50L,
                    new TopicPartition(topic, 2), 0L));
        } finally {
            readers.forEach(KafkaSourceReader::close);
        }
        // the late records are there: a reader started now reads them too
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest(), new TopicPartition(topic, 1), OffsetSpec.latest(),
                new TopicPartition(topic, 2), OffsetSpec.latest())).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        assertThat(ends.values()).containsExactlyInAnyOrder(80L, 80L, 30L);
        try (KafkaSourceReader<String> now = source.createReader(TestContext.of(0, 1, Map.of()))) {
            ListOutput<String> out = new ListOutput<>();
            readToEnd(now, out);
            assertThat(out.records).hasSize(190);
        }
    }

    @Test
    void startsFromCommittedOrGivenOffsetsAndReadsNewRecordsWhenUnbounded() throws Exception {
        String topic = "offsets";
        createTopic(topic, 2);
        for (int i = 0; i < 20; i++) {
            produce(topic, i % 2, T0 + i, "v" + i);
        }
        admin.alterConsumerGroupOffsets("readers", Map.of(new TopicPartition(topic, 1), new OffsetAndMetadata(7))).all().get();
        KafkaSource<String> committed = KafkaSource.<String>builder().setBootstrapServers(bootstrap).setTopics(topic).setGroupId("readers")
                .setStartingOffsets(OffsetsInitializer.committedOffsets()).setBounded(OffsetsInitializer.latest())
                .setDeserializer(KafkaRecordDeserializer.valueOnly(v -> new String(v, US_ASCII))).build();
        try (KafkaSourceReader<String> reader = committed.createReader(TestContext.of(0, 1, Map.of()))) {
            assertThat(reader.currentOffsets()).isEqualTo(Map.of(new TopicPartition(topic, 0), 0L, new TopicPartition(topic, 1), 7L));
            ListOutput<String> out = new ListOutput<>();
            readToEnd(reader, out);
            // partition 0 holds v0, v2, ..., v18; partition 1 from offset 7: v15, v17, v19
            assertThat(out.records).hasSize(13).contains("v0", "v18", "v15", "v19").doesNotContain("v13");
        }

        KafkaSource<String> unbounded = KafkaSource.<String>builder().setBootstrapServers(bootstrap).setTopics(topic)
                .setStartingOffsets(OffsetsInitializer.offsets(Map.of(new TopicPartition(topic, 0), 10L, new TopicPartition(topic, 1), 10L)))
                .setDeserializer(KafkaRecordDeserializer.valueOnly(v -> new String(v, US_ASCII))).build();
        assertThat(unbounded.isBounded()).isFalse();
        try (KafkaSourceReader<String> reader = unbounded.createReader(TestContext.of(0, 1, Map.of()))) {
            ListOutput<String> out = new ListOutput<>();
            assertThat(pollFor(reader, out, Duration.ofMillis(300))).isEqualTo(InputStatus.NOTHING_AVAILABLE);
            assertThat(out.records).isEmpty();
            produce(topic, 1, T0 + 99, "new");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (out.records.isEmpty() && System.nanoTime() < deadline) {
                assertThat(reader.pollNext(out)).isNotEqualTo(InputStatus.END_OF_INPUT);
            }
            assertThat(out.records).containsExactly("new");
            assertThat(reader.currentOffsets()).isEqualTo(Map.of(new TopicPartition(topic, 0), 10L, new TopicPartition(topic, 1), 11L));
        }
    }

    @Test
    void aDeserializerFailureFailsTheJobNamingTopicPartitionAndOffset() throws Exception {
        String topic = "poison";
        createTopic(topic, 2);
        RecordMetadata poison = null;
        for (int i = 0; i < 10; i++) {
            produce(topic, 0, T0 + i, Integer.toString(i));
            RecordMetadata m = produce(topic, 1, T0 + i, i == 6 ? "boom" : Integer.toString(i));
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

    @Test
    void aMissingTopicFailsTheReaderClearly() {
        KafkaSource<String> source = KafkaSource.<String>builder().setBootstrapServers(bootstrap).setTopics("no-such-topic")
                .setDeserializer(KafkaRecordDeserializer.valueOnly(v -> new String(v, US_ASCII))).build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> source.createReader(TestContext.of(0, 1, Map.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("KafkaSource: topic 'no-such-topic' does not exist");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    private static void readToEnd(KafkaSourceReader<String> reader, ListOutput<String> out) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (reader.pollNext(out) != InputStatus.END_OF_INPUT) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the bounded reader did not end within 30 s; offsets " + reader.currentOffsets());
            }
        }
    }

    /** Polls for the given time; the last status. */
    private static InputStatus pollFor(KafkaSourceReader<String> reader, ListOutput<String> out, Duration time) throws Exception {
        long deadline = System.nanoTime() + time.toNanos();
        InputStatus last;
        do {
            last = reader.pollNext(out);
        } while (System.nanoTime() < deadline);
        return last;
    }
}
