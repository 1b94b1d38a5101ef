package io.flowmesh.connector.kafka;

import io.flowmesh.api.source.InputStatus;
import io.flowmesh.api.source.ReaderOutput;
import io.flowmesh.api.source.SourceReader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads one subtask's partitions of a {@link KafkaSource}. Created by
 * {@link KafkaSource#createReader}, which also opens it: it looks up the topics' partitions, takes
 * the ones {@link KafkaPartitionAssigner} gives this subtask ({@code assign()}, no group
 * rebalancing), seeks each to its starting offset and, in bounded mode, notes each one's stopping
 * offset. A partition whose starting offset is already at (or past) its stopping offset is finished
 * from the start.
 *
 * <p>All methods run on the subtask's thread. {@link #pollNext} emits each record with its Kafka
 * timestamp through the output of its partition ({@link ReaderOutput#createOutputForSplit}, split id
 * {@code topic-partition}), so a watermark strategy runs per partition and the subtask's watermark is
 * the minimum over its partitions, as in Flink; a partition's output is opened at the first call (an
 * empty partition holds the watermark back until it has records or is idle) and released when the
 * partition finishes. It polls the consumer for at most
 * {@value #POLL_TIMEOUT_MILLIS} ms when it has nothing buffered, and emits at most
 * {@value #MAX_RECORDS_PER_CALL} records per call; the rest of a poll's records wait in the reader
 * for the next calls. In bounded mode, records at or past a partition's stopping offset are never
 * emitted, and the partition is paused once it reached that offset; the reader returns
 * {@link InputStatus#END_OF_INPUT} when all its partitions are finished (at once if it owns none).
 * Unbounded, a reader that owns no partition returns {@link InputStatus#NOTHING_AVAILABLE} forever.
 *
 * <p>{@link #currentOffsets()} is the next offset to read per owned partition: everything below it
 * has been emitted (or skipped: transaction markers, aborted records). {@link #snapshotState}, called
 * between two {@code pollNext} calls, returns it as one {@link KafkaPartitionSplit} per owned
 * partition, with the partition's stopping offset in bounded mode; {@link KafkaSource#restoreReader}
 * gives a new reader the splits of the partitions it owns, so it resumes where the snapshot was
 * taken and stops at the same end.
 */
public final class KafkaSourceReader<T> implements SourceReader<T> {
    static final int POLL_TIMEOUT_MILLIS = 20;
    static final int MAX_RECORDS_PER_CALL = 256;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(POLL_TIMEOUT_MILLIS);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Consumer<byte[], byte[]> consumer;
    private final KafkaRecordDeserializer<T> deserializer;
    private final boolean bounded;
    /** Next offset to read, per owned partition. */
    private final Map<TopicPartition, Long> offsets = new HashMap<>();
    /** Bounded mode: the offset each owned partition stops at (exclusive). */
    private final Map<TopicPartition, Long> stoppingOffsets = new HashMap<>();
    /** Owned partitions still being read (unbounded: all of them). */
    private final Set<TopicPartition> unfinished = new HashSet<>();
    /** Partitions finished during the current call: their split outputs are released at its end. */
    private final List<TopicPartition> toRelease = new ArrayList<>();
    private boolean splitOutputsOpened;

    /** What the last poll returned and is not emitted yet: whole partitions in the queue, then the current one. */
    private final ArrayDeque<TopicPartition> pendingPartitions = new ArrayDeque<>();
    private ConsumerRecords<byte[], byte[]> pending = ConsumerRecords.empty();
    private TopicPartition currentPartition;
    private List<ConsumerRecord<byte[], byte[]>> currentRecords = List.of();
    private int currentIndex;
    /** Records in the owned partitions not fetched yet (the sum of the consumer's lags), after the last poll; -1 before. */
    private volatile long pendingRecords = -1;

    /**
     * Opens the reader on {@code consumer} (which it owns from now on and closes, also when opening
     * fails).
     *
     * @param stopping where bounded reading stops; {@code null} for an unbounded reader
     * @param restored positions from a checkpoint, by partition (empty for a fresh start): an owned
     *     partition found here resumes at its next offset, and in bounded mode stops at its stopping
     *     offset if it has one; the other owned partitions start as on a fresh start
     */
    KafkaSourceReader(Consumer<byte[], byte[]> consumer, List<String> topics, int subtask, int parallelism, OffsetsInitializer starting,
            OffsetsInitializer stopping, KafkaRecordDeserializer<T> deserializer, Map<TopicPartition, KafkaPartitionSplit> restored) {
        this.consumer = consumer;
        this.deserializer = deserializer;
        this.bounded = stopping != null;
        try {
            List<TopicPartition> owned = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> partitions = consumer.partitionsFor(topic);
                if (partitions == null || partitions.isEmpty()) {
                    throw new IllegalStateException("KafkaSource: topic '" + topic + "' does not exist");
                }
                owned.addAll(KafkaPartitionAssigner.owned(partitions, subtask, parallelism));
            }
            owned.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            consumer.assign(owned);
            List<TopicPartition> fresh = owned.stream().filter(tp -> !restored.containsKey(tp)).toList();
            Map<TopicPartition, Long> start = starting.resolve(consumer, fresh);
            List<TopicPartition> unknownStop = bounded
                    ? owned.stream().filter(tp -> !restored.containsKey(tp) || !restored.get(tp).isBounded()).toList()
                    : List.of();
            Map<TopicPartition, Long> stop = bounded ? stopping.resolve(consumer, unknownStop) : Map.of();
            List<TopicPartition> finished = new ArrayList<>();
            for (TopicPartition tp : owned) {
                KafkaPartitionSplit split = restored.get(tp);
                long offset = split != null ? split.nextOffset() : start.get(tp);
                consumer.seek(tp, offset);
                offsets.put(tp, offset);
                if (bounded) {
                    long end = split != null && split.isBounded() ? split.stoppingOffset() : stop.get(tp);
                    stoppingOffsets.put(tp, end);
                    if (offset >= end) {
                        finished.add(tp);
                        continue;
                    }
                }
                unfinished.add(tp);
            }
            if (!finished.isEmpty()) {
                consumer.pause(finished);
            }
        } catch (RuntimeException e) {
            try {
                consumer.close(CLOSE_TIMEOUT);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws IOException {
        try {
            return poll(output);
        } finally {
            for (TopicPartition tp : toRelease) {
                output.releaseOutputForSplit(tp.toString());
            }
            toRelease.clear();
        }
    }

    private InputStatus poll(ReaderOutput<T> output) throws IOException {
        if (!splitOutputsOpened) {
            // as Flink: every partition holds the watermark back until it has records, is finished, or is idle
            for (TopicPartition tp : unfinished) {
                output.createOutputForSplit(tp.toString());
            }
            splitOutputsOpened = true;
        }
        if (!hasPending()) {
            if (unfinished.isEmpty()) {
                return bounded ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
            }
            pending = consumer.poll(POLL_TIMEOUT);
            updatePendingRecords();
            pendingPartitions.addAll(pending.partitions());
            if (!hasPending()) {
                afterDrained();
                return bounded && unfinished.isEmpty() ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
            }
        }
        int emitted = 0;
        TopicPartition outputPartition = null;
        ReaderOutput<T> partitionOutput = null;
        while (emitted < MAX_RECORDS_PER_CALL && nextPartitionWithRecords()) {
            TopicPartition tp = currentPartition;
            if (tp != outputPartition) {
                outputPartition = tp;
                partitionOutput = output.createOutputForSplit(tp.toString());
            }
            ConsumerRecord<byte[], byte[]> r = currentRecords.get(currentIndex++);
            if (bounded && r.offset() >= stoppingOffsets.get(tp)) {
                finish(tp);
                continue;
            }
            T value;
            try {
                value = deserializer.deserialize(r.key(), r.value(), r.topic(), r.partition(), r.offset(), r.timestamp());
            } catch (Exception e) {
                throw new IOException("KafkaSource cannot deserialize the record at topic '" + r.topic() + "', partition " + r.partition()
                        + ", offset " + r.offset() + ": " + e, e);
            }
            offsets.put(tp, r.offset() + 1);
            if (value != null) {
                partitionOutput.collect(value, r.timestamp());
            }
            emitted++;
            if (bounded && r.offset() + 1 >= stoppingOffsets.get(tp)) {
                finish(tp);
            }
        }
        if (!hasPending()) {
            afterDrained();
            if (bounded && unfinished.isEmpty()) {
                return InputStatus.END_OF_INPUT;
            }
        }
        return InputStatus.MORE_AVAILABLE;
    }

    private void updatePendingRecords() {
        long sum = 0;
        for (TopicPartition tp : unfinished) {
            java.util.OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                sum += lag.getAsLong();
            }
        }
        pendingRecords = sum;
    }

    /**
     * Registers Flink's Kafka source metrics with the source operator's group (on the subtask's thread,
     * once): {@code pendingRecords}, the records of the owned partitions not fetched yet (updated at
     * every poll; -1 before the first), and
     * {@code KafkaSourceReader.KafkaConsumer.records-lag-max}, the consumer's own maximum lag over
     * its metrics window (NaN until it fetched). The gauges read values the consumer keeps thread-safe.
     */
    void registerMetrics(io.flowmesh.api.metrics.MetricGroup group) {
        group.gauge("pendingRecords", (io.flowmesh.api.metrics.Gauge<Long>) () -> pendingRecords);
        org.apache.kafka.common.Metric lagMax = null;
        for (Map.Entry<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> e : consumer.metrics().entrySet()) {
            org.apache.kafka.common.MetricName name = e.getKey();
            if (name.name().equals("records-lag-max") && name.group().equals("consumer-fetch-manager-metrics")
                    && !name.tags().containsKey("topic") && !name.tags().containsKey("partition")) {
                lagMax = e.getValue();
            }
        }
        if (lagMax != null) {
            org.apache.kafka.common.Metric metric = lagMax;
            group.gauge("KafkaSourceReader.KafkaConsumer.records-lag-max", (io.flowmesh.api.metrics.Gauge<Double>) () -> {
                Object v = metric.metricValue();
                return v instanceof Number n ? n.doubleValue() : Double.NaN;
            });
        }
    }

    /** Records not fetched yet from the owned partitions, as of the last poll (any thread); -1 before the first poll. */
    public long pendingRecords() {
        return pendingRecords;
    }

    /**
     * Moves to the next partition of the last poll that has records left to emit, dropping the rest of
     * a partition that finished; false when the poll is drained.
     */
    private boolean nextPartitionWithRecords() {
        while (currentPartition == null || currentIndex >= currentRecords.size() || !unfinished.contains(currentPartition)) {
            TopicPartition next = pendingPartitions.poll();
            if (next == null) {
                currentPartition = null;
                currentRecords = List.of();
                currentIndex = 0;
                return false;
            }
            currentPartition = next;
            currentRecords = pending.records(next);
            currentIndex = 0;
        }
        return true;
    }

    private boolean hasPending() {
        return nextPartitionWithRecords();
    }

    /**
     * Everything the last poll returned is emitted: the consumer's position is now exact for every
     * partition (past transaction markers and aborted records too). Takes it as the next offset, and
     * finishes the bounded partitions whose position reached the stopping offset.
     */
    private void afterDrained() {
        pending = ConsumerRecords.empty();
        for (TopicPartition tp : List.copyOf(unfinished)) {
            long position;
            try {
                position = consumer.position(tp, POLL_TIMEOUT);
            } catch (TimeoutException e) {
                continue; // the consumer is resetting an out-of-range offset; look again after the next poll
            }
            if (bounded && position >= stoppingOffsets.get(tp)) {
                finish(tp);
            } else if (position > offsets.get(tp)) {
                offsets.put(tp, position);
            }
        }
    }

    /** The partition reached its stopping offset: everything below it is read, nothing at or past it will be. */
    private void finish(TopicPartition tp) {
        if (unfinished.remove(tp)) {
            toRelease.add(tp);
            offsets.put(tp, Math.max(offsets.get(tp), stoppingOffsets.get(tp)));
            consumer.pause(List.of(tp));
        }
    }

    /**
     * One {@link KafkaPartitionSplit} per owned partition, ordered by topic and partition: its next
     * offset and, in bounded mode, its stopping offset. Called between two {@link #pollNext} calls.
     */
    @Override
    public List<Object> snapshotState(long checkpointId) {
        List<Object> splits = new ArrayList<>(offsets.size());
        offsets.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition)))
                .forEach(e -> splits.add(new KafkaPartitionSplit(e.getKey().topic(), e.getKey().partition(), e.getValue(),
                        bounded ? stoppingOffsets.get(e.getKey()) : KafkaPartitionSplit.NO_STOPPING_OFFSET)));
        return splits;
    }

    /** The next offset to read per partition this reader owns (a copy); see the class comment. */
    public Map<TopicPartition, Long> currentOffsets() {
        return Map.copyOf(offsets);
    }

    /** Closes the consumer, also when the subtask's thread was interrupted by a cancellation. */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            consumer.close(CLOSE_TIMEOUT);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
