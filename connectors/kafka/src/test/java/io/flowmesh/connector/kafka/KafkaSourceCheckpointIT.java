package io.flowmesh.connector.kafka;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.source.InputStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The source's offsets as checkpoint state, against a real Kafka ({@link LocalKafka}): readers are
 * driven as the engine drives them (pollNext, then snapshotState between two calls), closed as if
 * the job failed, and replaced by readers that {@link KafkaSource#restoreReader} creates from the
 * union of the snapshots, also at another parallelism. Each test uses topics of its own.
 */
class KafkaSourceCheckpointIT {
    private static final long T0 = LocalKafka.T0;
    /** "partition@offset=value": says where each record was read from. */
    private static final KafkaRecordDeserializer<String> POSITION_AND_VALUE =
            (key, value, topic, partition, offset, timestamp) -> partition + "@" + offset + "=" + new String(value, US_ASCII);

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

    private static KafkaSource.Builder<String> source(String topic) {
        return KafkaSource.<String>builder().setBootstrapServers(kafka.bootstrap()).setTopics(topic).setDeserializer(POSITION_AND_VALUE);
    }

    /** "p-0", "p-1", ... for partition p. */
    private static List<String> values(int partition, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> partition + "-" + i).toList();
    }

    /** What {@link #POSITION_AND_VALUE} makes of records [from, to) of partition p filled with {@link #values}. */
    private static List<String> expected(int partitions, int from, int to) {
        List<String> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            for (int o = from; o < to; o++) {
                all.add(p + "@" + o + "=" + p + "-" + o);
            }
        }
        return all;
    }

    private static List<KafkaSourceReader<String>> readers(KafkaSource<String> source, int parallelism, List<Object> restored) {
        List<KafkaSourceReader<String>> readers = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            TestContext context = TestContext.of(i, parallelism, Map.of());
            readers.add(restored == null ? source.createReader(context) : source.restoreReader(context, restored));
        }
        return readers;
    }

    private static void readToEnd(KafkaSourceReader<String> reader, ListOutput<String> out) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (reader.pollNext(out) != InputStatus.END_OF_INPUT) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the bounded reader did not end within 30 s; offsets " + reader.currentOffsets());
            }
        }
    }

    /** The splits {@code records} ("p@o=...") say a reader owning {@code partitions} must report, given where each started. */
    private static Map<Integer, Long> nextOffsetsFrom(List<String> records) {
        Map<Integer, Long> next = new HashMap<>();
        for (String r : records) {
            int p = Integer.parseInt(r.substring(0, r.indexOf('@')));
            long o = Long.parseLong(r.substring(r.indexOf('@') + 1, r.indexOf('=')));
            next.merge(p, o + 1, Math::max);
        }
        return next;
    }

    @ParameterizedTest(name = "{0} readers, then {1}")
    @CsvSource({"2, 3", "3, 1"})
    void aRestoreAtAnyParallelismEmitsEveryRecordExactlyOnceAndStopsAtTheFirstStartsEnd(int before, int after) throws Exception {
        String topic = "restore-" + before + "-" + after;
        int partitions = 5;
        int early = 600;
        kafka.createTopic(topic, partitions);
        for (int p = 0; p < partitions; p++) {
            kafka.produce(topic, p, T0, values(p, 0, early));
        }
        KafkaSource<String> source = source(topic).setBounded(OffsetsInitializer.latest()).build();
        List<Object> union = new ArrayList<>();
        List<String> emittedBefore = new ArrayList<>();
        List<KafkaSourceReader<String>> first = readers(source, before, null);
        try {
            // records produced after the first start lie past the bounded end: a restore must not read them either
            for (int p = 0; p < partitions; p++) {
                kafka.produce(topic, p, T0, values(p, early, early + 50));
            }
            for (KafkaSourceReader<String> reader : first) {
                ListOutput<String> out = new ListOutput<>();
                for (int call = 0; call < 3; call++) {
                    reader.pollNext(out); // part of the input: at most 3 x 256 records of 600 x owned partitions
                }
                List<Object> state = reader.snapshotState(7);
                // the snapshot is the position after exactly what was emitted, with the end fixed at the first start
                Map<Integer, Long> next = nextOffsetsFrom(out.records);
                List<Object> expectedState = new ArrayList<>();
                reader.currentOffsets().keySet().stream().sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                        .forEach(tp -> expectedState.add(new KafkaPartitionSplit(topic, tp.partition(), next.getOrDefault(tp.partition(), 0L), early)));
                assertThat(state).isEqualTo(expectedState);
                union.addAll(state);
                emittedBefore.addAll(out.records);
            }
        } finally {
            first.forEach(KafkaSourceReader::close); // the job fails: nothing after the snapshot survives
        }
        assertThat(union).hasSize(partitions);
        assertThat(emittedBefore).isNotEmpty().hasSizeLessThan(partitions * early);

        List<String> emittedAfter = new ArrayList<>();
        List<KafkaSourceReader<String>> second = readers(source, after, union);
        try {
            for (KafkaSourceReader<String> reader : second) {
                ListOutput<String> out = new ListOutput<>();
                readToEnd(reader, out);
                emittedAfter.addAll(out.records);
                // every partition it owns is read up to the end fixed at the first start, not past it
                for (Object split : reader.snapshotState(8)) {
                    KafkaPartitionSplit s = (KafkaPartitionSplit) split;
                    assertThat(s.nextOffset()).as("%s read to its end", s).isEqualTo(early);
                }
            }
        } finally {
            second.forEach(KafkaSourceReader::close);
        }
        List<String> all = new ArrayList<>(emittedBefore);
        all.addAll(emittedAfter);
        assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected(partitions, 0, early));
    }

    @Test
    void restoredPartitionsResumeWithTheirOwnSplitOutputsAndFinishedOnesStayFinished() throws Exception {
        String topic = "restore-splits";
        kafka.createTopic(topic, 3);
        kafka.produce(topic, 0, T0, values(0, 0, 10));
        kafka.produce(topic, 1, T0, values(1, 0, 10));
        kafka.produce(topic, 2, T0, values(2, 0, 10));
        KafkaSource<String> source = source(topic).setBounded(OffsetsInitializer.latest()).build();
        // partition 0 finished, partition 1 half read, partition 2 not read at all (its split is missing: a fresh start for it)
        List<Object> state = List.of(new KafkaPartitionSplit(topic, 0, 10, 10), new KafkaPartitionSplit(topic, 1, 5, 8));
        try (KafkaSourceReader<String> reader = source.restoreReader(TestContext.of(0, 1, Map.of()), state)) {
            ListOutput<String> out = new ListOutput<>();
            readToEnd(reader, out);
            assertThat(out.openedSplits).containsExactly(topic + "-1", topic + "-2");
            assertThat(out.releasedSplits).containsExactly(topic + "-1", topic + "-2");
            List<String> expected = new ArrayList<>(List.of("1@5=1-5", "1@6=1-6", "1@7=1-7"));
            expected.addAll(IntStream.range(0, 10).mapToObj(o -> "2@" + o + "=2-" + o).toList());
            assertThat(out.records).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(reader.snapshotState(1)).containsExactly(new KafkaPartitionSplit(topic, 0, 10, 10),
                    new KafkaPartitionSplit(topic, 1, 8, 8), new KafkaPartitionSplit(topic, 2, 10, 10));
        }
    }

    @Test
    void anUnboundedRestoreResumesAndReadsWhatArrivesLater() throws Exception {
        String topic = "restore-unbounded";
        kafka.createTopic(topic, 1);
        kafka.produce(topic, 0, T0, values(0, 0, 20));
        KafkaSource<String> source = source(topic).build();
        List<Object> state = List.of(new KafkaPartitionSplit(topic, 0, 15, KafkaPartitionSplit.NO_STOPPING_OFFSET));
        try (KafkaSourceReader<String> reader = source.restoreReader(TestContext.of(0, 1, Map.of()), state)) {
            kafka.produce(topic, 0, T0, values(0, 20, 25));
            ListOutput<String> out = new ListOutput<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < 10 && System.nanoTime() < deadline) {
                assertThat(reader.pollNext(out)).isNotEqualTo(InputStatus.END_OF_INPUT);
            }
            assertThat(out.records).isEqualTo(IntStream.range(15, 25).mapToObj(o -> "0@" + o + "=0-" + o).toList());
            assertThat(reader.snapshotState(2)).containsExactly(new KafkaPartitionSplit(topic, 0, 25, KafkaPartitionSplit.NO_STOPPING_OFFSET));
        }
    }

    @Test
    void foreignOrDuplicateStateFailsClearly() throws Exception {
        String topic = "restore-bad";
        kafka.createTopic(topic, 1);
        KafkaSource<String> source = source(topic).build();
        assertThatThrownBy(() -> source.restoreReader(TestContext.of(0, 1, Map.of()), List.of("offset 5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.String, not a KafkaPartitionSplit");
        assertThatThrownBy(() -> source.restoreReader(TestContext.of(0, 1, Map.of()),
                List.of(new KafkaPartitionSplit(topic, 0, 1, -1), new KafkaPartitionSplit(topic, 0, 2, -1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two positions for partition restore-bad-0");
    }
}
