package io.flowmesh.connector.kafka;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.source.InputStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reader's contract against Kafka's {@link MockConsumer}: bounded stops, batching per call,
 * offsets, failures. No broker.
 */
class KafkaSourceReaderTest {
    private static final String TOPIC = "events";
    private static final KafkaRecordDeserializer<String> POSITION_AND_VALUE =
            (key, value, topic, partition, offset, timestamp) -> partition + "@" + offset + "=" + new String(value, US_ASCII);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final ListOutput<String> out = new ListOutput<>();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private void topic(String topic, int partitions, long... endOffsets) {
        consumer.updatePartitions(topic, IntStream.range(0, partitions).mapToObj(p -> new PartitionInfo(topic, p, null, null, null)).toList());
        Map<TopicPartition, Long> begin = new HashMap<>();
        Map<TopicPartition, Long> end = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            begin.put(new TopicPartition(topic, p), 0L);
            end.put(new TopicPartition(topic, p), endOffsets.length > p ? endOffsets[p] : 0L);
        }
        consumer.updateBeginningOffsets(begin);
        consumer.updateEndOffsets(end);
    }

    private KafkaSourceReader<String> reader(int subtask, int parallelism, OffsetsInitializer starting, OffsetsInitializer stopping,
            KafkaRecordDeserializer<String> deserializer) {
        return new KafkaSourceReader<>(consumer, List.of(TOPIC), subtask, parallelism, starting, stopping, deserializer);
    }

    private void add(int partition, long offset, String value) {
        consumer.addRecord(new ConsumerRecord<>(TOPIC, partition, offset, timestamp(partition, offset), TimestampType.CREATE_TIME, 0,
                value.length(), null, value.getBytes(US_ASCII), new RecordHeaders(), Optional.empty()));
    }

    private static long timestamp(int partition, long offset) {
        return 1_700_000_000_000L + partition * 1000L + offset;
    }

    /** Polls until END_OF_INPUT (or the limit), returning the statuses. */
    private List<InputStatus> drain(KafkaSourceReader<String> reader, int maxCalls) throws IOException {
        List<InputStatus> statuses = new ArrayList<>();
        for (int i = 0; i < maxCalls; i++) {
            InputStatus s = reader.pollNext(out);
            statuses.add(s);
            if (s == InputStatus.END_OF_INPUT) {
                break;
            }
        }
        return statuses;
    }

    @Test
    void boundedReadsUpToTheEndOffsetsSeenAtOpenAndNoFurther() throws Exception {
        topic(TOPIC, 2, 3, 2);
        KafkaSourceReader<String> reader = reader(0, 1, OffsetsInitializer.earliest(), OffsetsInitializer.latest(), POSITION_AND_VALUE);
        for (int i = 0; i < 3; i++) {
            add(0, i, "a" + i);
        }
        add(1, 0, "b0");
        add(1, 1, "b1");
        // produced after the reader opened: beyond the stopping offsets
        add(0, 3, "late");
        add(1, 2, "late");

        List<InputStatus> statuses = drain(reader, 20);

        assertThat(statuses).last().isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(out.records).containsExactlyInAnyOrder("0@0=a0", "0@1=a1", "0@2=a2", "1@0=b0", "1@1=b1");
        for (int i = 0; i < out.size(); i++) {
            String r = out.records.get(i);
            int partition = r.charAt(0) - '0';
            long offset = r.charAt(2) - '0';
            assertThat(out.timestamps.get(i)).as("the Kafka timestamp of %s", r).isEqualTo(timestamp(partition, offset));
        }
        assertThat(reader.currentOffsets()).isEqualTo(Map.of(new TopicPartition(TOPIC, 0), 3L, new TopicPartition(TOPIC, 1), 2L));
        assertThat(consumer.paused()).containsExactlyInAnyOrder(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);
    }

    @Test
    void oneCallEmitsAtMostAFewHundredRecords() throws Exception {
        int n = 1000;
        topic(TOPIC, 1, n);
        KafkaSourceReader<String> reader = reader(0, 1, OffsetsInitializer.earliest(), OffsetsInitializer.latest(), POSITION_AND_VALUE);
        for (int i = 0; i < n; i++) {
            add(0, i, Integer.toString(i));
        }
        List<Integer> perCall = new ArrayList<>();
        InputStatus s;
        do {
            int before = out.size();
            s = reader.pollNext(out);
            perCall.add(out.size() - before);
        } while (s != InputStatus.END_OF_INPUT && perCall.size() < 50);

        assertThat(perCall).allSatisfy(k -> assertThat(k).isLessThanOrEqualTo(KafkaSourceReader.MAX_RECORDS_PER_CALL));
        assertThat(perCall).first().isEqualTo(KafkaSourceReader.MAX_RECORDS_PER_CALL);
        assertThat(out.records).hasSize(n);
        assertThat(s).isEqualTo(InputStatus.END_OF_INPUT);
        // offsets follow the emitted records exactly, also in the middle of a poll's records
        assertThat(reader.currentOffsets()).containsEntry(new TopicPartition(TOPIC, 0), (long) n);
    }

    @Test
    void currentOffsetsAreTheNextOffsetAfterEachCall() throws Exception {
        topic(TOPIC, 1, 600);
        KafkaSourceReader<String> reader = reader(0, 1, OffsetsInitializer.earliest(), null, POSITION_AND_VALUE);
        assertThat(reader.currentOffsets()).isEqualTo(Map.of(new TopicPartition(TOPIC, 0), 0L));
        for (int i = 0; i < 600; i++) {
            add(0, i, "v");
        }
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(reader.currentOffsets()).isEqualTo(Map.of(new TopicPartition(TOPIC, 0), 256L));
        reader.pollNext(out);
        reader.pollNext(out);
        assertThat(out.records).hasSize(600);
        assertThat(reader.currentOffsets()).isEqualTo(Map.of(new TopicPartition(TOPIC, 0), 600L));
        // unbounded: nothing more for now, but never the end
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    }

    @Test
    void emptyPartitionsAreDoneAtOnce() throws Exception {
        topic(TOPIC, 3, 0, 0, 0);
        KafkaSourceReader<String> reader = reader(0, 1, OffsetsInitializer.earliest(), OffsetsInitializer.latest(), POSITION_AND_VALUE);
        add(1, 0, "late");
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(out.records).isEmpty();
    }

    @Test
    void aSubtaskWithoutPartitionsEndsWhenBoundedAndIdlesOtherwise() throws Exception {
        topic(TOPIC, 1, 5);
        int owner = KafkaPartitionAssigner.assign(TOPIC, 0, 2);
        KafkaSourceReader<String> bounded = reader(1 - owner, 2, OffsetsInitializer.earliest(), OffsetsInitializer.latest(), POSITION_AND_VALUE);
        assertThat(bounded.currentOffsets()).isEmpty();
        assertThat(bounded.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);

        MockConsumer<byte[], byte[]> other = new MockConsumer<>("earliest");
        other.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
        KafkaSourceReader<String> unbounded = new KafkaSourceReader<>(other, List.of(TOPIC), 1 - owner, 2, OffsetsInitializer.earliest(),
                null, POSITION_AND_VALUE);
        for (int i = 0; i < 3; i++) {
            assertThat(unbounded.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        }
    }

    @Test
    void readsOnlyItsOwnPartitions() throws Exception {
        int partitions = 8;
        int parallelism = 3;
        topic(TOPIC, partitions);
        KafkaSourceReader<String> reader = reader(1, parallelism, OffsetsInitializer.earliest(), null, POSITION_AND_VALUE);
        List<TopicPartition> expected = IntStream.range(0, partitions).filter(p -> KafkaPartitionAssigner.assign(TOPIC, p, parallelism) == 1)
                .mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
        assertThat(consumer.assignment()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(reader.currentOffsets().keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void transactionMarkersAtTheEndStillFinishThePartition() throws Exception {
        // offsets 0..2 are records, 3 is a commit marker: the end offset is 4 but no record has offset 3
        topic(TOPIC, 1, 4);
        KafkaSourceReader<String> reader = reader(0, 1, OffsetsInitializer.earliest(), OffsetsInitializer.latest(), POSITION_AND_VALUE);
        for (int i = 0; i < 3; i++) {
            add(0, i, "v" + i);
        }
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(out.records).hasSize(3);
        // the next fetch only skips the marker, as a read_committed consumer does
        consumer.schedulePollTask(() -> consumer.seek(new TopicPartition(TOPIC, 0), 4));
        assertThat(drain(reader, 5)).last().isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(reader.currentOffsets()).containsEntry(new TopicPartition(TOPIC, 0), 4L);
    }

    @Test
    void startsFromGivenOffsets() throws Exception {
        topic(TOPIC, 2, 5, 5);
        KafkaSourceReader<String> reader = reader(0, 1, OffsetsInitializer.offsets(Map.of(new TopicPartition(TOPIC, 0), 3L)),
                OffsetsInitializer.latest(), POSITION_AND_VALUE);
        assertThat(reader.currentOffsets()).isEqualTo(Map.of(new TopicPartition(TOPIC, 0), 3L, new TopicPartition(TOPIC, 1), 0L));
        for (int i = 0; i < 5; i++) {
            add(0, i, "a");
            add(1, i, "b");
        }
        drain(reader, 20);
        assertThat(out.records).containsExactlyInAnyOrder("0@3=a", "0@4=a", "1@0=b", "1@1=b", "1@2=b", "1@3=b", "1@4=b");
    }

    @Test
    void committedOffsetsFallBackToEarliest() {
        // as KafkaConsumer.committed: null for a partition without a committed offset
        MockConsumer<byte[], byte[]> withCommits = new MockConsumer<>("earliest") {
            @Override
            public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
                Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
                partitions.forEach(tp -> committed.put(tp, tp.partition() == 1 ? new OffsetAndMetadata(2) : null));
                return committed;
            }
        };
        withCommits.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null), new PartitionInfo(TOPIC, 1, null, null, null)));
        withCommits.updateBeginningOffsets(Map.of(new TopicPartition(TOPIC, 0), 1L, new TopicPartition(TOPIC, 1), 0L));
        KafkaSourceReader<String> reader = new KafkaSourceReader<>(withCommits, List.of(TOPIC), 0, 1, OffsetsInitializer.committedOffsets(),
                null, POSITION_AND_VALUE);
        assertThat(reader.currentOffsets()).isEqualTo(Map.of(new TopicPartition(TOPIC, 0), 1L, new TopicPartition(TOPIC, 1), 2L));
        assertThat(withCommits.position(new TopicPartition(TOPIC, 1))).isEqualTo(2L);
    }

    @Test
    void nullFromTheDeserializerSkipsTheRecord() throws Exception {
        topic(TOPIC, 1, 3);
        KafkaSourceReader<String> reader = reader(0, 1, OffsetsInitializer.earliest(), OffsetsInitializer.latest(),
                KafkaRecordDeserializer.valueOnly(v -> "skip".equals(new String(v, US_ASCII)) ? null : new String(v, US_ASCII)));
        add(0, 0, "x");
        add(0, 1, "skip");
        add(0, 2, "y");
        assertThat(drain(reader, 10)).last().isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(out.records).containsExactly("x", "y");
    }

    @Test
    void aDeserializerFailureNamesTopicPartitionAndOffset() throws Exception {
        topic(TOPIC, 1, 3);
        KafkaSourceReader<String> reader = reader(0, 1, OffsetsInitializer.earliest(), OffsetsInitializer.latest(),
                KafkaRecordDeserializer.valueOnly(v -> Integer.toString(Integer.parseInt(new String(v, US_ASCII)))));
        add(0, 0, "1");
        add(0, 1, "boom");
        add(0, 2, "3");
        assertThatThrownBy(() -> drain(reader, 10))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("KafkaSource cannot deserialize the record at topic 'events', partition 0, offset 1: ")
                .hasMessageContaining("NumberFormatException")
                .hasCauseInstanceOf(NumberFormatException.class);
        assertThat(out.records).containsExactly("1");
        assertThat(reader.currentOffsets()).containsEntry(new TopicPartition(TOPIC, 0), 1L);
    }

    @Test
    void aMissingTopicFailsTheOpenAndClosesTheConsumer() {
        assertThatThrownBy(() -> new KafkaSourceReader<>(consumer, List.of("nope"), 0, 1, OffsetsInitializer.earliest(), null,
                POSITION_AND_VALUE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("KafkaSource: topic 'nope' does not exist");
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void closeClosesTheConsumerAlsoWhenInterrupted() {
        topic(TOPIC, 1, 0);
        KafkaSourceReader<String> reader = reader(0, 1, OffsetsInitializer.earliest(), null, POSITION_AND_VALUE);
        Thread.currentThread().interrupt();
        reader.close();
        assertThat(consumer.closed()).isTrue();
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    }
}
