package io.flowmesh.connector.kafka;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.sink.SinkWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's delivery guarantees against a real Kafka ({@link LocalKafka}), with writers driven as
 * the engine drives them: write, flush(false) and snapshotState at a barrier,
 * notifyCheckpointComplete, flush(true) at the end; a failure is a writer dropped without commit or
 * abort ({@link ExactlyOnceKafkaWriter#closeAbruptly()}) and a restore is
 * {@link KafkaSink#restoreWriter} with the union of the snapshots of one checkpoint. What is
 * visible is read by an independent {@code read_committed} consumer. Each test uses a topic and a
 * transactional id prefix of its own, with one partition, so the expected lists are in write order.
 */
class KafkaSinkIT {
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

    private static KafkaSink.Builder<String> sink(String topic, DeliveryGuarantee guarantee) {
        return KafkaSink.<String>builder().setBootstrapServers(kafka.bootstrap()).setTopic(topic)
                .setValueSerializer(v -> v.getBytes(US_ASCII)).setDeliveryGuarantee(guarantee);
    }

    private static KafkaSink<String> exactlyOnce(String topic, String prefix) {
        return sink(topic, DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix(prefix).build();
    }

    private static ExactlyOnceKafkaWriter<String> writer(KafkaSink<String> sink, int subtask, int parallelism, List<Object> restored) {
        return (ExactlyOnceKafkaWriter<String>) sink.restoreWriter(TestContext.of(subtask, parallelism, Map.of()), restored);
    }

    private static List<String> values(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    private static void write(SinkWriter<String> writer, List<String> values) throws Exception {
        for (String v : values) {
            writer.write(v);
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return Stream.of(lists).flatMap(List::stream).toList();
    }

    /** Every value a read_committed consumer sees in partition 0, in offset order, up to the last stable offset. */
    private static List<String> readCommitted(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the read_committed consumer did not reach offset " + end + " of " + tp);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    values.add(new String(r.value(), US_ASCII));
                }
            }
            return values;
        }
    }

    /** Partition 0's last stable offset (what read_committed consumers may read up to) and high watermark. */
    private static Map<IsolationLevel, Long> ends(String topic) throws Exception {
        Map<IsolationLevel, Long> ends = new HashMap<>();
        for (IsolationLevel level : IsolationLevel.values()) {
            ends.put(level, kafka.admin().listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest()), new ListOffsetsOptions(level))
                    .all().get().get(new TopicPartition(topic, 0)).offset());
        }
        return ends;
    }

    /**
     * Waits until partition 0 has no open transaction (last stable offset = high watermark; the
     * coordinator writes the commit and abort markers after it answered the producer), then returns
     * what a read_committed consumer sees.
     */
    private static List<String> settled(String topic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<IsolationLevel, Long> ends = ends(topic);
        while (!ends.get(IsolationLevel.READ_COMMITTED).equals(ends.get(IsolationLevel.READ_UNCOMMITTED))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("a transaction in " + topic + " stays open: last stable offset and high watermark " + ends);
            }
            Thread.sleep(50);
            ends = ends(topic);
        }
        return readCommitted(topic);
    }

    /**
     * Waits until a read_committed consumer sees exactly {@code expected} while other transactions
     * may still be open (the commit markers are written after the commit returned), and fails if it
     * does not within 20 s.
     */
    private static void assertVisibleEventually(String topic, List<String> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> seen = readCommitted(topic);
        while (!seen.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = readCommitted(topic);
        }
        assertThat(seen).isEqualTo(expected);
    }

    private static List<KafkaCommittable> committables(List<Object> state) {
        return state.stream().filter(KafkaCommittable.class::isInstance).map(KafkaCommittable.class::cast).toList();
    }

    @Test
    void recordsBecomeVisibleAtCheckpointCompletionAndARestoreCommitsThePrecommittedOnesOnceAndAbortsTheRest() throws Exception {
        String topic = "eo";
        kafka.createTopic(topic, 1);
        KafkaSink<String> sink = exactlyOnce(topic, "eo-job");
        List<String> a = values("a", 5);
        List<String> b = values("b", 3);
        List<String> c = values("c", 2);
        List<String> d = values("d", 4);

        ExactlyOnceKafkaWriter<String> first = writer(sink, 0, 1, List.of());
        write(first, a);
        first.flush(false);
        List<Object> state1 = first.snapshotState(1);
        assertThat(committables(state1)).singleElement().satisfies(k -> {
            assertThat(k.transactionalId()).isEqualTo("eo-job-0-0");
            assertThat(k.checkpointId()).isEqualTo(1);
            assertThat(k.subtask()).isEqualTo(0);
        });
        assertThat(state1).contains(new KafkaWriterState("eo-job", 0, 1, KafkaSink.DEFAULT_TRANSACTIONAL_ID_POOL_SIZE));
        write(first, b);
        assertThat(readCommitted(topic)).as("nothing is visible before checkpoint 1 completes").isEmpty();

        first.notifyCheckpointComplete(1);
        assertVisibleEventually(topic, a);

        first.flush(false);
        List<Object> state2 = first.snapshotState(2);
        assertThat(committables(state2)).singleElement().satisfies(k -> {
            assertThat(k.transactionalId()).isEqualTo("eo-job-0-1");
            assertThat(k.checkpointId()).isEqualTo(2);
        });
        write(first, c); // after barrier 2, never snapshotted: must never be visible
        first.flush(false);
        first.closeAbruptly(); // the process dies before checkpoint 2's completion reaches it

        assertThat(readCommitted(topic)).isEqualTo(a);
        // offsets: a 0-4, b 5-7 (sent before a's commit), a's commit marker 8, c 9-10: the open transactions hold the
        // last stable offset at b's start
        assertThat(ends(topic)).isEqualTo(Map.of(IsolationLevel.READ_COMMITTED, 5L, IsolationLevel.READ_UNCOMMITTED, 11L));
        assertThat(committables(state2).get(0).transactionV2()).as("the local broker runs transactions V2").isTrue();

        ExactlyOnceKafkaWriter<String> second = writer(sink, 0, 1, state2);
        assertThat(settled(topic)).as("checkpoint 2's transaction is committed by the restore, c's is aborted").isEqualTo(concat(a, b));

        // a second failure, restored from the same checkpoint: committing again is harmless
        second.closeAbruptly();
        ExactlyOnceKafkaWriter<String> third = writer(sink, 0, 1, state2);
        try {
            write(third, d);
            third.flush(true);
            assertThat(settled(topic)).isEqualTo(concat(a, b, d));
        } finally {
            third.close();
        }
    }

    /**
     * With Kafka's transaction protocol V1 a commit keeps the producer epoch, so the writer must give
     * a slot a fresh producer (a new epoch) after each commit: else a restore from a checkpoint whose
     * transaction was committed would commit, under the same id and epoch, the slot's later
     * transaction. A restore commits with V1 too.
     */
    @Test
    void theSameHoldsWithTransactionProtocolV1() throws Exception {
        setTransactionVersion((short) 1);
        try {
            for (int restoredCheckpoint : new int[] {1, 2}) {
                String topic = "eo-v1-" + restoredCheckpoint;
                kafka.createTopic(topic, 1);
                KafkaSink<String> sink = exactlyOnce(topic, topic);
                ExactlyOnceKafkaWriter<String> first = writer(sink, 0, 1, List.of());
                write(first, values("a", 3));
                List<Object> state1 = first.snapshotState(1);
                assertThat(committables(state1)).singleElement().extracting(KafkaCommittable::transactionV2).isEqualTo(false);
                first.notifyCheckpointComplete(1);
                write(first, values("b", 2));
                List<Object> state2 = first.snapshotState(2);
                assertThat(committables(state2)).extracting(KafkaCommittable::transactionalId).containsExactly(topic + "-0-1");
                write(first, values("c", 2)); // back on slot 0 (id topic-0-0), whose transaction a was committed
                first.flush(false);
                first.closeAbruptly();
                assertVisibleEventually(topic, values("a", 3));

                ExactlyOnceKafkaWriter<String> second = writer(sink, 0, 1, restoredCheckpoint == 1 ? state1 : state2);
                try {
                    assertThat(settled(topic)).as("restored from checkpoint %s", restoredCheckpoint)
                            .isEqualTo(restoredCheckpoint == 1 ? values("a", 3) : concat(values("a", 3), values("b", 2)));
                } finally {
                    second.close();
                }
            }
        } finally {
            setTransactionVersion((short) 2);
        }
    }

    private static void setTransactionVersion(short version) throws Exception {
        kafka.admin().updateFeatures(Map.of("transaction.version", new FeatureUpdate(version,
                version < 2 ? FeatureUpdate.UpgradeType.SAFE_DOWNGRADE : FeatureUpdate.UpgradeType.UPGRADE)), new UpdateFeaturesOptions()).all().get();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            FinalizedVersionRange range = kafka.admin().describeFeatures().featureMetadata().get().finalizedFeatures().get("transaction.version");
            if (range != null && range.maxVersionLevel() == version) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("transaction.version did not become " + version + ": " + range);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aRestoreFromACheckpointWhoseTransactionWasAlreadyCommittedCommitsNothingTwice() throws Exception {
        String topic = "eo-recommit";
        kafka.createTopic(topic, 1);
        KafkaSink<String> sink = exactlyOnce(topic, "eo-recommit");
        ExactlyOnceKafkaWriter<String> first = writer(sink, 0, 1, List.of());
        write(first, values("a", 4));
        List<Object> state1 = first.snapshotState(1);
        first.notifyCheckpointComplete(1);
        write(first, values("b", 2));
        first.snapshotState(2); // checkpoint 2 never completes
        write(first, values("c", 2));
        first.flush(false);
        first.closeAbruptly();
        ExactlyOnceKafkaWriter<String> second = writer(sink, 0, 1, state1);
        try {
            assertThat(settled(topic)).isEqualTo(values("a", 4));
        } finally {
            second.close();
        }
    }

    /**
     * Checkpoints that fail several times in a row leave their transactions pending; the writer adds
     * a transactional id for each (the pool of 2 grows to 7, and the pending transactions beyond
     * the first three give up their producers), and the next completed checkpoint commits every one
     * of them once, in order, through a resumed producer where needed. Afterwards the ids are reused.
     */
    @Test
    void checkpointsFailingInARowGrowThePoolAndTheNextCompletedOneCommitsEverythingInOrder() throws Exception {
        String topic = "eo-grow";
        kafka.createTopic(topic, 1);
        KafkaSink<String> sink = sink(topic, DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix("eo-grow")
                .setTransactionalIdPoolSize(2).build();
        ExactlyOnceKafkaWriter<String> w = writer(sink, 0, 1, List.of());
        try {
            List<String> expected = new ArrayList<>();
            for (int checkpoint = 1; checkpoint <= 5; checkpoint++) { // none of them completes
                List<String> records = values("r" + checkpoint + "-", 3);
                write(w, records);
                expected.addAll(records);
                w.flush(false);
                assertThat(committables(w.snapshotState(checkpoint))).extracting(KafkaCommittable::checkpointId)
                        .isEqualTo(LongStream.rangeClosed(1, checkpoint).boxed().toList());
            }
            assertThat(w.transactionalIdCount()).isEqualTo(6); // 5 pending and the current one
            assertThat(readCommitted(topic)).isEmpty();
            write(w, values("s", 2));
            w.flush(false);
            w.snapshotState(6); // six pending now: a seventh id for the next transaction
            assertThat(w.transactionalIdCount()).isEqualTo(7);
            w.notifyCheckpointComplete(6);
            expected.addAll(values("s", 2));
            assertVisibleEventually(topic, expected);
            write(w, values("t", 2));
            w.flush(false);
            w.snapshotState(7);
            w.notifyCheckpointComplete(7);
            expected.addAll(values("t", 2));
            assertThat(w.transactionalIdCount()).as("freed ids are reused").isEqualTo(7);
            w.flush(true);
            assertThat(settled(topic)).isEqualTo(expected);
        } finally {
            w.close();
        }
    }

    /**
     * A run that added ids after its last completed checkpoint (checkpoints failed) and then died
     * leaves transactions open on ids its snapshot does not name; the restore finds them among the
     * broker's ongoing transactions and aborts them, so nothing after the checkpoint is visible and
     * the topic does not stay blocked for read_committed consumers.
     */
    @Test
    void aRestoreAbortsTheTransactionsOfIdsAddedAfterTheCheckpoint() throws Exception {
        String topic = "eo-grown-restore";
        kafka.createTopic(topic, 1);
        KafkaSink<String> sink = sink(topic, DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix("eo-grown")
                .setTransactionalIdPoolSize(2).build();
        ExactlyOnceKafkaWriter<String> first = writer(sink, 0, 1, List.of());
        write(first, values("a", 3));
        first.flush(false);
        List<Object> state1 = first.snapshotState(1);
        first.notifyCheckpointComplete(1);
        for (int checkpoint = 2; checkpoint <= 5; checkpoint++) { // fail: never complete
            write(first, values("x" + checkpoint + "-", 2));
            first.flush(false);
            first.snapshotState(checkpoint);
        }
        write(first, values("y", 2));
        first.flush(false);
        assertThat(first.transactionalIdCount()).isEqualTo(5);
        assertThat(state1).filteredOn(KafkaWriterState.class::isInstance).containsExactly(new KafkaWriterState("eo-grown", 0, 1, 2));
        first.closeAbruptly();
        ExactlyOnceKafkaWriter<String> second = writer(sink, 0, 1, state1);
        try {
            assertThat(settled(topic)).isEqualTo(values("a", 3));
        } finally {
            second.close();
        }
    }

    @Test
    void aScaleDownCommitsAndAbortsForTheSubtasksThatNoLongerExist() throws Exception {
        String topic = "eo-scale";
        kafka.createTopic(topic, 1);
        KafkaSink<String> sink = exactlyOnce(topic, "eo-scale");
        List<Object> union = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int subtask = 0; subtask < 3; subtask++) {
            ExactlyOnceKafkaWriter<String> w = writer(sink, subtask, 3, List.of());
            write(w, values("s" + subtask + "-a", 3));
            w.snapshotState(1);
            w.notifyCheckpointComplete(1);
            write(w, values("s" + subtask + "-b", 2));
            w.flush(false);
            union.addAll(w.snapshotState(2));
            write(w, values("s" + subtask + "-lingering", 2));
            w.flush(false);
            w.closeAbruptly();
            expected.addAll(values("s" + subtask + "-a", 3));
            expected.addAll(values("s" + subtask + "-b", 2));
        }
        assertThat(committables(union)).extracting(KafkaCommittable::subtask).containsExactly(0, 1, 2);
        ExactlyOnceKafkaWriter<String> only = writer(sink, 0, 1, union);
        try {
            assertThat(settled(topic)).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            only.close();
        }
    }

    @Test
    void theEndOfTheInputCommitsEverythingAndCloseAbortsWhatIsOpen() throws Exception {
        String topic = "eo-end";
        kafka.createTopic(topic, 1);
        KafkaSink<String> sink = exactlyOnce(topic, "eo-end");
        ExactlyOnceKafkaWriter<String> w = writer(sink, 0, 1, List.of());
        try {
            write(w, values("a", 3));
            w.snapshotState(1); // its completion never comes: the job ends first
            write(w, values("b", 2));
            w.flush(true);
            assertThat(settled(topic)).isEqualTo(concat(values("a", 3), values("b", 2)));
            assertThatThrownBy(() -> w.write("late")).hasMessageContaining("after the end of the input");
        } finally {
            w.close();
        }
        ExactlyOnceKafkaWriter<String> cancelled = writer(sink, 0, 1, List.of());
        write(cancelled, values("x", 3));
        cancelled.flush(false);
        cancelled.close();
        assertThat(settled(topic)).isEqualTo(concat(values("a", 3), values("b", 2)));
    }

    @Test
    void anEmptyLastTransactionEndsCleanlyAtTheEndOfTheInput() throws Exception {
        String topic = "eo-end-empty";
        kafka.createTopic(topic, 1);
        ExactlyOnceKafkaWriter<String> w = writer(exactlyOnce(topic, topic), 0, 1, List.of());
        try {
            write(w, values("a", 3));
            w.flush(false);
            assertThat(committables(w.snapshotState(1))).hasSize(1);
            assertThat(committables(w.snapshotState(2))).as("no records since barrier 1: nothing new to pre-commit").hasSize(1);
            w.flush(true);
            assertThat(settled(topic)).isEqualTo(values("a", 3));
            assertThat(w.snapshotState(3)).containsExactly(new KafkaWriterState(topic, 0, 1, KafkaSink.DEFAULT_TRANSACTIONAL_ID_POOL_SIZE));
        } finally {
            w.close();
        }
        assertThat(settled(topic)).isEqualTo(values("a", 3));
    }

    @Test
    void aTransactionTimeoutAboveTheBrokersMaximumFailsClearly() throws Exception {
        String topic = "eo-timeout";
        kafka.createTopic(topic, 1);
        KafkaSink<String> sink = sink(topic, DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix("eo-timeout")
                .setTransactionTimeout(Duration.ofMinutes(16)).build();
        assertThatThrownBy(() -> writer(sink, 0, 1, List.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transaction.timeout.ms=960000").hasMessageContaining("transaction.max.timeout.ms")
                .hasMessageContaining("setTransactionTimeout");
    }

    @Test
    void atLeastOnceBarriersWaitUntilEveryRecordIsAcknowledged() throws Exception {
        String topic = "alo";
        kafka.createTopic(topic, 1);
        try (SinkWriter<String> w = sink(topic, DeliveryGuarantee.AT_LEAST_ONCE).setProperty("linger.ms", "60000").build()
                .createWriter(TestContext.of(0, 1, Map.of()))) {
            write(w, values("r", 100));
            // with a linger of a minute nothing is sent unless the barrier's flush sends it and waits for it
            w.flush(false);
            assertThat(ends(topic).get(IsolationLevel.READ_UNCOMMITTED)).isEqualTo(100L);
            assertThat(w.snapshotState(1)).isEmpty();
            assertThat(readCommitted(topic)).isEqualTo(values("r", 100));
        }
    }
}
