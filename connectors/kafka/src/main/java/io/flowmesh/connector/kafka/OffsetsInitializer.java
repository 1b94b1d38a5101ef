package io.flowmesh.connector.kafka;

import java.io.Serializable;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offset a {@link KafkaSource} reader starts from, or stops at, per partition, as Flink's
 * {@code OffsetsInitializer}. The reader resolves it once, when it starts, for the partitions it
 * owns. An immutable value, built by the named factories.
 *
 * <p>"Latest" is the end offset a {@code read_committed} consumer sees: the last stable offset, so
 * records of open transactions are not counted.
 */
public final class OffsetsInitializer implements Serializable {
    private static final long serialVersionUID = 1L;

    private enum Kind { EARLIEST, LATEST, COMMITTED, SPECIFIED }

    private final Kind kind;
    private final HashMap<TopicPartition, Long> specified;

    private OffsetsInitializer(Kind kind, Map<TopicPartition, Long> specified) {
        this.kind = kind;
        this.specified = new HashMap<>(specified);
    }

    /** The first offset still in the log. */
    public static OffsetsInitializer earliest() {
        return new OffsetsInitializer(Kind.EARLIEST, Map.of());
    }

    /** The end of the log when the reader starts (as a stopping offset: bounded mode). */
    public static OffsetsInitializer latest() {
        return new OffsetsInitializer(Kind.LATEST, Map.of());
    }

    /**
     * The offsets committed by the source's consumer group ({@code setGroupId} is required); a
     * partition without a committed offset starts from the earliest.
     */
    public static OffsetsInitializer committedOffsets() {
        return new OffsetsInitializer(Kind.COMMITTED, Map.of());
    }

    /**
     * The given offsets (the next offset to read, as {@link KafkaSourceReader#currentOffsets()}
     * reports them); a partition not in the map starts from the earliest.
     */
    public static OffsetsInitializer offsets(Map<TopicPartition, Long> offsets) {
        Objects.requireNonNull(offsets, "offsets");
        offsets.forEach((tp, offset) -> {
            Objects.requireNonNull(tp, "offsets: null partition");
            if (offset == null || offset < 0) {
                throw new IllegalArgumentException("offsets: partition " + tp + " has offset " + offset + "; offsets must be >= 0");
            }
        });
        return new OffsetsInitializer(Kind.SPECIFIED, offsets);
    }

    /** True when resolving needs the consumer group's committed offsets. */
    boolean needsGroupId() {
        return kind == Kind.COMMITTED;
    }

    /** The offset of each of {@code partitions}, looked up through {@code consumer} (blocking). */
    Map<TopicPartition, Long> resolve(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        return switch (kind) {
            case EARLIEST -> new HashMap<>(consumer.beginningOffsets(partitions));
            case LATEST -> new HashMap<>(consumer.endOffsets(partitions));
            case COMMITTED -> {
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
                Map<TopicPartition, Long> known = new HashMap<>();
                committed.forEach((tp, om) -> {
                    if (om != null) {
                        known.put(tp, om.offset());
                    }
                });
                yield withEarliestForTheRest(consumer, partitions, known);
            }
            case SPECIFIED -> withEarliestForTheRest(consumer, partitions, specified);
        };
    }

    private static Map<TopicPartition, Long> withEarliestForTheRest(Consumer<?, ?> consumer, Collection<TopicPartition> partitions,
            Map<TopicPartition, Long> known) {
        Map<TopicPartition, Long> result = new HashMap<>();
        List<TopicPartition> rest = partitions.stream().filter(tp -> !known.containsKey(tp)).toList();
        if (!rest.isEmpty()) {
            result.putAll(consumer.beginningOffsets(rest));
        }
        for (TopicPartition tp : partitions) {
            Long offset = known.get(tp);
            if (offset != null) {
                result.put(tp, offset);
            }
        }
        return result;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OffsetsInitializer other && kind == other.kind && specified.equals(other.specified);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + specified.hashCode();
    }

    @Override
    public String toString() {
        return kind == Kind.SPECIFIED ? "offsets" + specified : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
