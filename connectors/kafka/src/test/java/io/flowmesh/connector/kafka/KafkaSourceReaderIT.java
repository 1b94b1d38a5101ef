package io.flowmesh.connector.kafka;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.source.InputStatus;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reader's contract, driven directly through {@link KafkaSource#createReader} against a real
 * Kafka ({@link LocalKafka}): bounded stops, batching per call, offsets, transactions, starting
 * offsets, failures, closing. Each test uses topics of its own.
 */
class KafkaSourceReaderIT {
    private static final long T0 = LocalKafka.T0;
    /** "partition@offset=value": says where each record was read from. */
    private static final KafkaRecordDeserializer<String> POSITION_AND_VALUE =
            (key, value, topic, partition, offset, timestamp) -> partition + "@" + offset + "=" + new String(value, US_ASCII);

    /** Kept, with the cluster's logs, when the cluster or the class's setup failed. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path runDir;
    private static LocalKafka kafka;

    @BeforeAll
    static void up() throws Exception {
        kafka = LocalKafka.start(runDir);
    }

    @AfterAll
    static void down() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static KafkaSource.Builder<String> source(String topic) {
        return KafkaSource.<String>builder().setBootstrapServers(kafka.bootstrap()).setTopics(topic).setDeserializer(POSITION_AND_VALUE);
    }

    private static <T> KafkaSourceReader<T> reader(KafkaSource<T> source, int subtask, int parallelism) {
        return source.createReader(TestContext.of(subtask, parallelism, Map.of()));
    }

    /** "prefix0", "prefix1", ... */
    private static List<String> values(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    /**
     * What {@link #POSITION_AND_VALUE} makes of the records from {@code fromOffset} to {@code toOffset}
     * (exclusive) of a partition filled with {@code values(prefix, ...)}.
     */
    private static List<String> read(int partition, String prefix, int fromOffset, int toOffset) {
        return IntStream.range(fromOffset, toOffset).mapToObj(o -> partition + "@" + o + "=" + prefix + o).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<TopicPartition, Long> offsets(String topic, long... offsets) {
        Map<TopicPartition, Long> m = new HashMap<>();
        for (int p = 0; p < offsets.length; p++) {
            m.put(new TopicPartition(topic, p), offsets[p]);
        }
        return m;
    }

    /** The high watermarks. */
    private static Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws Exception {
        return endOffsets(topic, partitions, IsolationLevel.READ_UNCOMMITTED);
    }

    /** The high watermarks, or with READ_COMMITTED the last stable offsets. */
    private static Map<TopicPartition, Long> endOffsets(String topic, int partitions, IsolationLevel isolation) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        kafka.admin().listOffsets(request, new ListOffsetsOptions(isolation)).all().get()
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** Moves the partition's log start offset: "earliest" is then {@code offset}, not 0. */
    private static void deleteBefore(String topic, int partition, long offset) throws Exception {
        kafka.admin().deleteRecords(Map.of(new TopicPartition(topic, partition), RecordsToDelete.beforeOffset(offset))).all().get();
    }

    /** Sends the values, without keys, to one partition (in a transaction, if the producer is in one); does not wait. */
    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int partition, String... values) {
        for (String v : values) {
            producer.send(new ProducerRecord<>(topic, partition, null, v.getBytes(US_ASCII)));
        }
    }

    /** Polls until END_OF_INPUT; fails after 30 s. */
    private static <T> void readToEnd(KafkaSourceReader<T> reader, ListOutput<T> out) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (reader.pollNext(out) != InputStatus.END_OF_INPUT) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the bounded reader did not end within 30 s; offsets " + reader.currentOffsets());
            }
        }
    }

    /** Polls for the given time; the statuses of all calls. */
    private static <T> List<InputStatus> pollFor(KafkaSourceReader<T> reader, ListOutput<T> out, Duration time) throws IOException {
        long deadline = System.nanoTime() + time.toNanos();
        List<InputStatus> statuses = new ArrayList<>();
        do {
            statuses.add(reader.pollNext(out));
        } while (System.nanoTime() < deadline);
        return statuses;
    }

    /** Whether a Kafka consumer with this client id is open in this JVM (it registers its app-info MBean until closed). */
    private static boolean consumerOpen(String clientId) throws Exception {
        return ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName("kafka.consumer:type=app-info,id=" + clientId));
    }

    /** A runtime context whose metric group keeps what the reader registers. */
    private record MetricsContext(TestContext c, Map<String, io.flowmesh.api.metrics.Gauge<?>> gauges) implements io.flowmesh.api.functions.RuntimeContext {
        public String jobId() { return c.jobId(); }
        public String taskName() { return c.taskName(); }
        public int subtaskIndex() { return c.subtaskIndex(); }
        public int parallelism() { return c.parallelism(); }
        public int maxParallelism() { return c.maxParallelism(); }
        public int attempt() { return c.attempt(); }
        public Map<String, String> configuration() { return c.configuration(); }

        @Override
        public io.flowmesh.api.metrics.MetricGroup getMetricGroup() {
            return new io.flowmesh.api.metrics.MetricGroup() {
                @Override
                public <T, G extends io.flowmesh.api.metrics.Gauge<T>> G gauge(String name, G gauge) {
                    gauges.put(name, gauge);
                    return gauge;
                }
            };
        }
    }

    @Test
    void pendingRecordsFollowTheLagAndReachZeroWhenCaughtUp() throws Exception {
        String topic = "lag";
        kafka.createTopic(topic, 2);
        kafka.produce(topic, 0, T0, values("a", 300));
        kafka.produce(topic, 1, T0, values("b", 200));
        Map<String, io.flowmesh.api.metrics.Gauge<?>> gauges = new java.util.concurrent.ConcurrentHashMap<>();
        KafkaSource<String> source = source(topic).setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50").build();
        try (KafkaSourceReader<String> reader = source.createReader(new MetricsContext(TestContext.of(0, 1, Map.of()), gauges))) {
            assertThat(gauges).containsOnlyKeys("pendingRecords", "KafkaSourceReader.KafkaConsumer.records-lag-max");
            assertThat(gauges.get("pendingRecords").getValue()).isEqualTo(-1L);
            ListOutput<String> out = new ListOutput<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long maxPending = -1;
            while (out.size() < 500 && System.nanoTime() < deadline) {
                reader.pollNext(out);
                long pending = (Long) gauges.get("pendingRecords").getValue();
                // never more than what is neither emitted nor fetched
                assertThat(pending).isLessThanOrEqualTo(500 - out.size());
                maxPending = Math.max(maxPending, pending);
            }
            assertThat(out.size()).isEqualTo(500);
            // 50 records per poll: after the first fetch of a partition, the rest of it was pending
            assertThat(maxPending).isGreaterThanOrEqualTo(150);
            reader.pollNext(out);
            assertThat(gauges.get("pendingRecords").getValue()).isEqualTo(0L);
            assertThat((Double) gauges.get("KafkaSourceReader.KafkaConsumer.records-lag-max").getValue()).isGreaterThanOrEqualTo(150.0);
        }
    }

    @Test
    void boundedReadersStopAtTheEndOffsetsSeenAtStartWithTheKafkaTimestamps() throws Exception {
        String topic = "late";
        kafka.createTopic(topic, 3);
        kafka.produce(topic, 0, T0, values("early-0-", 50));
        kafka.produce(topic, 1, T0 + 1_000, values("early-1-", 50));
        // partition 2 is empty when the readers start: done at once, though records arrive later
        KafkaSource<String> source = source(topic).setBounded(OffsetsInitializer.latest())
                .setDeserializer(KafkaRecordDeserializer.valueOnly(v -> new String(v, US_ASCII))).build();
        List<KafkaSourceReader<String>> readers = List.of(reader(source, 0, 2), reader(source, 1, 2));
        try {
            for (int p = 0; p < 3; p++) {
                kafka.produce(topic, p, T0 + 9_000, values("late-" + p + "-", 30));
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
            assertThat(offsets).isEqualTo(offsets(topic, 50, 50, 0));
            // finished for good: the late records stay unread, however often the readers are asked
            for (KafkaSourceReader<String> reader : readers) {
                assertThat(pollFor(reader, out, Duration.ofMillis(100))).containsOnly(InputStatus.END_OF_INPUT);
            }
            assertThat(out.records).hasSize(100);
        } finally {
            readers.forEach(KafkaSourceReader::close);
        }
        // the late records are there: a reader started now reads them too
        assertThat(endOffsets(topic, 3)).isEqualTo(offsets(topic, 80, 80, 30));
        try (KafkaSourceReader<String> now = reader(source, 0, 1)) {
            ListOutput<String> out = new ListOutput<>();
            readToEnd(now, out);
            assertThat(out.records).hasSize(190);
        }
    }

    @Test
    void partitionsEmptyAtStartAreDoneAtOnce() throws Exception {
        String topic = "empty";
        kafka.createTopic(topic, 3);
        try (KafkaSourceReader<String> reader = reader(source(topic).setBounded(OffsetsInitializer.latest()).build(), 0, 1)) {
            kafka.produce(topic, 1, T0, "late");
            ListOutput<String> out = new ListOutput<>();
            assertThat(reader.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);
            assertThat(out.records).isEmpty();
            assertThat(reader.currentOffsets()).isEqualTo(offsets(topic, 0, 0, 0));
        }
    }

    @Test
    void everyPartitionHasASplitOutputForItsWatermarksReleasedWhenItFinishes() throws Exception {
        String topic = "splits";
        kafka.createTopic(topic, 3);
        kafka.produce(topic, 0, T0, values("a", 5));
        kafka.produce(topic, 2, T0, values("c", 3));
        try (KafkaSourceReader<String> reader = reader(source(topic).setBounded(OffsetsInitializer.latest()).build(), 0, 1)) {
            ListOutput<String> out = new ListOutput<>();
            readToEnd(reader, out);
            // the empty partition 1 was finished from the start: it never holds the watermark back
            assertThat(out.openedSplits).containsExactly(topic + "-0", topic + "-2");
            assertThat(out.releasedSplits).containsExactly(topic + "-0", topic + "-2");
            assertThat(out.size()).isEqualTo(8);
        }
    }

    @ParameterizedTest(name = "bounded: {0}")
    @ValueSource(booleans = {true, false})
    void oneCallEmitsAtMost256RecordsAndTheOffsetsFollowEveryCall(boolean bounded) throws Exception {
        int n = 1000;
        String topic = "batches-" + (bounded ? "bounded" : "unbounded");
        kafka.createTopic(topic, 1);
        kafka.produce(topic, 0, T0, values("v", n));
        KafkaSource.Builder<String> builder = source(topic);
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        try (KafkaSourceReader<String> reader = reader(builder.build(), 0, 1)) {
            assertThat(reader.currentOffsets()).isEqualTo(offsets(topic, 0));
            ListOutput<String> out = new ListOutput<>();
            List<Integer> perCall = new ArrayList<>();
            InputStatus status;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            do {
                int before = out.size();
                status = reader.pollNext(out);
                int emitted = out.size() - before;
                perCall.add(emitted);
                assertThat(emitted).isLessThanOrEqualTo(KafkaSourceReader.MAX_RECORDS_PER_CALL);
                if (status != InputStatus.END_OF_INPUT) {
                    assertThat(status).as("after a call that emitted %d", emitted)
                            .isEqualTo(emitted > 0 ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE);
                }
                // everything emitted is behind the offset, nothing else: offset of the last record + 1
                long next = out.size() == 0 ? 0 : Long.parseLong(out.records.get(out.size() - 1).split("[@=]")[1]) + 1;
                assertThat(reader.currentOffsets()).as("after call %d", perCall.size()).isEqualTo(offsets(topic, next));
                assertThat(System.nanoTime()).as("all records read within 30 s").isLessThan(deadline);
            } while (bounded ? status != InputStatus.END_OF_INPUT : out.size() < n);

            assertThat(out.records).isEqualTo(read(0, "v", 0, n));
            assertThat(out.timestamps).as("the Kafka timestamps").isEqualTo(LongStream.range(0, n).mapToObj(i -> T0 + i).toList());
            // a poll returns up to 500 records, of which one call emits the first 256
            assertThat(perCall).contains(KafkaSourceReader.MAX_RECORDS_PER_CALL);
            assertThat(reader.currentOffsets()).isEqualTo(offsets(topic, n));
            // bounded: the end, for good; unbounded: nothing more for now, but never the end
            assertThat(pollFor(reader, out, Duration.ofMillis(200)))
                    .containsOnly(bounded ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE);
            assertThat(out.records).hasSize(n);
        }
    }

    @Test
    void aSubtaskThatOwnsNoPartitionEndsAtOnceWhenBoundedAndIdlesOtherwise() throws Exception {
        String topic = "lonely";
        kafka.createTopic(topic, 1);
        kafka.produce(topic, 0, T0, values("v", 5));
        int owner = KafkaPartitionAssigner.assign(topic, 0, 2);
        ListOutput<String> out = new ListOutput<>();
        try (KafkaSourceReader<String> bounded = reader(source(topic).setBounded(OffsetsInitializer.latest()).build(), 1 - owner, 2)) {
            assertThat(bounded.currentOffsets()).isEmpty();
            assertThat(bounded.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);
        }
        try (KafkaSourceReader<String> unbounded = reader(source(topic).build(), 1 - owner, 2)) {
            assertThat(unbounded.currentOffsets()).isEmpty();
            assertThat(pollFor(unbounded, out, Duration.ofMillis(100))).containsOnly(InputStatus.NOTHING_AVAILABLE);
            kafka.produce(topic, 0, T0 + 5, "v5");
            assertThat(pollFor(unbounded, out, Duration.ofMillis(100))).containsOnly(InputStatus.NOTHING_AVAILABLE);
        }
        assertThat(out.records).isEmpty();
        // the partition has records: they are the owner's
        try (KafkaSourceReader<String> reader = reader(source(topic).setBounded(OffsetsInitializer.latest()).build(), owner, 2)) {
            readToEnd(reader, out);
        }
        assertThat(out.records).isEqualTo(read(0, "v", 0, 6));
    }

    @Test
    void eachSubtaskReadsOnlyItsOwnPartitions() throws Exception {
        String topic = "shares";
        int partitions = 8;
        int parallelism = 3;
        kafka.createTopic(topic, partitions);
        for (int p = 0; p < partitions; p++) {
            kafka.produce(topic, p, T0, values("v", 2));
        }
        KafkaSource<String> source = source(topic).setBounded(OffsetsInitializer.latest()).build();
        List<String> all = new ArrayList<>();
        for (int subtask = 0; subtask < parallelism; subtask++) {
            int s = subtask;
            List<TopicPartition> owned = IntStream.range(0, partitions)
                    .filter(p -> KafkaPartitionAssigner.assign(topic, p, parallelism) == s)
                    .mapToObj(p -> new TopicPartition(topic, p)).toList();
            try (KafkaSourceReader<String> reader = reader(source, subtask, parallelism)) {
                assertThat(reader.currentOffsets().keySet()).as("subtask %d", subtask).containsExactlyInAnyOrderElementsOf(owned);
                ListOutput<String> out = new ListOutput<>();
                readToEnd(reader, out);
                assertThat(out.records).as("subtask %d", subtask)
                        .containsExactlyInAnyOrderElementsOf(
                                owned.stream().flatMap(tp -> read(tp.partition(), "v", 0, 2).stream()).toList());
                all.addAll(out.records);
            }
        }
        assertThat(all).hasSize(2 * partitions).doesNotHaveDuplicates();
    }

    @Test
    void transactionMarkersAtTheEndOfTheLogStillFinishTheReaderAndAbortedRecordsAreNeverRead() throws Exception {
        String topic = "transactions";
        kafka.createTopic(topic, 3);
        try (KafkaProducer<byte[], byte[]> tx = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "flowmesh-it-transactions"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            tx.initTransactions();
            tx.beginTransaction();
            send(tx, topic, 0, "a0", "a1", "a2");
            send(tx, topic, 1, "a0");
            send(tx, topic, 2, "a0", "a1", "a2");
            tx.commitTransaction();
            tx.beginTransaction();
            send(tx, topic, 0, "b0", "b1");
            send(tx, topic, 1, "b0", "b1");
            tx.flush(); // in the log, then aborted
            tx.abortTransaction();
            tx.beginTransaction();
            send(tx, topic, 1, "c0", "c1");
            tx.commitTransaction();
        }
        // 0: a a a C b b A (ends with an abort marker); 1: a C b b A c c C; 2: a a a C (ends with a commit marker).
        // The coordinator writes the last commit marker after commitTransaction returned: wait for it.
        Map<TopicPartition, Long> ends = offsets(topic, 7, 8, 4);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!endOffsets(topic, 3, IsolationLevel.READ_COMMITTED).equals(ends) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(endOffsets(topic, 3, IsolationLevel.READ_COMMITTED)).as("the last stable offsets").isEqualTo(ends);
        assertThat(endOffsets(topic, 3)).as("the high watermarks").isEqualTo(ends);

        try (KafkaSourceReader<String> reader = reader(source(topic).setBounded(OffsetsInitializer.latest()).build(), 0, 1)) {
            ListOutput<String> out = new ListOutput<>();
            readToEnd(reader, out);
            assertThat(out.records).containsExactlyInAnyOrder("0@0=a0", "0@1=a1", "0@2=a2", "1@0=a0", "1@5=c0", "1@6=c1",
                    "2@0=a0", "2@1=a1", "2@2=a2");
            assertThat(reader.currentOffsets()).as("past the markers and aborted records").isEqualTo(offsets(topic, 7, 8, 4));
            assertThat(reader.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);
        }
        // the aborted records are in the log: a read_uncommitted reader sees them, and finishes too
        KafkaSource<String> uncommitted = source(topic).setBounded(OffsetsInitializer.latest())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted").build();
        try (KafkaSourceReader<String> reader = reader(uncommitted, 0, 1)) {
            ListOutput<String> out = new ListOutput<>();
            readToEnd(reader, out);
            assertThat(out.records).hasSize(13).contains("0@4=b0", "0@5=b1", "1@2=b0", "1@3=b1");
            assertThat(reader.currentOffsets()).isEqualTo(offsets(topic, 7, 8, 4));
        }
    }

    @Test
    void committedOffsetsFallBackToEarliestAndAreHonouredWhenTheGroupCommitted() throws Exception {
        String topic = "committed";
        kafka.createTopic(topic, 2);
        kafka.produce(topic, 0, T0, values("v", 5));
        kafka.produce(topic, 1, T0, values("v", 5));
        deleteBefore(topic, 0, 1);
        try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "readers", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            member.commitSync(Map.of(new TopicPartition(topic, 1), new OffsetAndMetadata(2)));
        }

        KafkaSource<String> noCommits = source(topic).setGroupId("nobody").setStartingOffsets(OffsetsInitializer.committedOffsets())
                .setBounded(OffsetsInitializer.latest()).build();
        try (KafkaSourceReader<String> reader = reader(noCommits, 0, 1)) {
            assertThat(reader.currentOffsets()).as("the earliest offsets").isEqualTo(offsets(topic, 1, 0));
            ListOutput<String> out = new ListOutput<>();
            readToEnd(reader, out);
            assertThat(out.records).containsExactlyInAnyOrderElementsOf(concat(read(0, "v", 1, 5), read(1, "v", 0, 5)));
        }

        KafkaSource<String> committed = source(topic).setGroupId("readers").setStartingOffsets(OffsetsInitializer.committedOffsets())
                .setBounded(OffsetsInitializer.latest()).build();
        try (KafkaSourceReader<String> reader = reader(committed, 0, 1)) {
            assertThat(reader.currentOffsets()).as("partition 1 committed, 0 not").isEqualTo(offsets(topic, 1, 2));
            ListOutput<String> out = new ListOutput<>();
            readToEnd(reader, out);
            assertThat(out.records).containsExactlyInAnyOrderElementsOf(concat(read(0, "v", 1, 5), read(1, "v", 2, 5)));
        }
    }

    @Test
    void startsFromGivenOffsetsAndReadsNewRecordsWhenUnbounded() throws Exception {
        String topic = "given";
        kafka.createTopic(topic, 2);
        kafka.produce(topic, 0, T0, values("v", 5));
        kafka.produce(topic, 1, T0, values("v", 5));
        deleteBefore(topic, 1, 2);
        // partition 1 not given: from the earliest
        KafkaSource<String> given = source(topic).setStartingOffsets(OffsetsInitializer.offsets(Map.of(new TopicPartition(topic, 0), 3L)))
                .setBounded(OffsetsInitializer.latest()).build();
        try (KafkaSourceReader<String> reader = reader(given, 0, 1)) {
            assertThat(reader.currentOffsets()).isEqualTo(offsets(topic, 3, 2));
            ListOutput<String> out = new ListOutput<>();
            readToEnd(reader, out);
            assertThat(out.records).containsExactlyInAnyOrderElementsOf(concat(read(0, "v", 3, 5), read(1, "v", 2, 5)));
        }

        KafkaSource<String> unbounded = source(topic).setStartingOffsets(OffsetsInitializer.offsets(offsets(topic, 5, 5))).build();
        assertThat(unbounded.isBounded()).isFalse();
        try (KafkaSourceReader<String> reader = reader(unbounded, 0, 1)) {
            ListOutput<String> out = new ListOutput<>();
            assertThat(pollFor(reader, out, Duration.ofMillis(300))).containsOnly(InputStatus.NOTHING_AVAILABLE);
            assertThat(out.records).isEmpty();
            kafka.produce(topic, 1, T0 + 99, "new");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (out.records.isEmpty() && System.nanoTime() < deadline) {
                assertThat(reader.pollNext(out)).isNotEqualTo(InputStatus.END_OF_INPUT);
            }
            assertThat(out.records).containsExactly("1@5=new");
            assertThat(out.timestamps).containsExactly(T0 + 99);
            assertThat(reader.currentOffsets()).isEqualTo(offsets(topic, 5, 6));
        }
    }

    @Test
    void nullFromTheDeserializerSkipsTheRecord() throws Exception {
        String topic = "skips";
        kafka.createTopic(topic, 1);
        kafka.produce(topic, 0, T0, List.of("x", "skip", "y"));
        KafkaSource<String> source = source(topic).setBounded(OffsetsInitializer.latest())
                .setDeserializer(KafkaRecordDeserializer.valueOnly(v -> {
                    String s = new String(v, US_ASCII);
                    return s.equals("skip") ? null : s;
                }))
                .build();
        try (KafkaSourceReader<String> reader = reader(source, 0, 1)) {
            ListOutput<String> out = new ListOutput<>();
            readToEnd(reader, out);
            assertThat(out.records).containsExactly("x", "y");
            assertThat(reader.currentOffsets()).isEqualTo(offsets(topic, 3));
        }
    }

    @Test
    void aDeserializerFailureNamesTopicPartitionAndOffset() throws Exception {
        String topic = "poison-pill";
        kafka.createTopic(topic, 1);
        kafka.produce(topic, 0, T0, List.of("1", "boom", "3"));
        KafkaSource<String> source = source(topic).setBounded(OffsetsInitializer.latest())
                .setDeserializer(KafkaRecordDeserializer.valueOnly(v -> Integer.toString(Integer.parseInt(new String(v, US_ASCII)))))
                .build();
        try (KafkaSourceReader<String> reader = reader(source, 0, 1)) {
            ListOutput<String> out = new ListOutput<>();
            assertThatThrownBy(() -> readToEnd(reader, out))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("KafkaSource cannot deserialize the record at topic 'poison-pill', partition 0, offset 1: ")
                    .hasMessageContaining("NumberFormatException")
                    .hasCauseInstanceOf(NumberFormatException.class);
            assertThat(out.records).containsExactly("1");
            assertThat(reader.currentOffsets()).isEqualTo(offsets(topic, 1));
        }
    }

    @Test
    void aMissingTopicFailsTheOpenClearlyAndClosesTheConsumer() throws Exception {
        String clientId = "reader-of-a-missing-topic";
        KafkaSource<String> source = source("no-such-topic").setProperty(ConsumerConfig.CLIENT_ID_CONFIG, clientId).build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> reader(source, 0, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("KafkaSource: topic 'no-such-topic' does not exist");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(consumerOpen(clientId)).as("the consumer is open").isFalse();
    }

    @Test
    void closeClosesTheConsumerAlsoWhenInterrupted() throws Exception {
        String topic = "interrupted";
        String clientId = "interrupted-reader";
        kafka.createTopic(topic, 1);
        KafkaSourceReader<String> reader = reader(source(topic).setProperty(ConsumerConfig.CLIENT_ID_CONFIG, clientId).build(), 0, 1);
        assertThat(consumerOpen(clientId)).as("the consumer is open").isTrue();
        Thread.currentThread().interrupt();
        reader.close();
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        assertThat(consumerOpen(clientId)).as("the consumer is open").isFalse();
    }
}
