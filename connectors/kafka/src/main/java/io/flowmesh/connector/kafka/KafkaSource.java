package io.flowmesh.connector.kafka;

import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.source.Source;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads Kafka topics, as Flink's {@code KafkaSource}: every subtask reads a fixed share of the
 * topics' partitions with a consumer of its own.
 *
 * <p><b>Partitions.</b> Each subtask discovers the topics' partitions when its reader opens and
 * takes those that Flink's {@code KafkaTopicPartitionAssigner} gives it: partition {@code p} of topic
 * {@code t} goes to subtask {@code (start(t) + p) % parallelism}, with
 * {@code start(t) = ((t.hashCode() * 31) & 0x7FFFFFFF) % parallelism}. The consumer uses
 * {@code assign()}: no group membership, no rebalancing. Partitions added later are not read.
 *
 * <p><b>Offsets.</b> Each partition starts at {@link Builder#setStartingOffsets} (default
 * {@link OffsetsInitializer#earliest()}). With {@link Builder#setBounded} the source is bounded: each
 * partition stops before the offset the given initializer names when the reader opens (for
 * {@link OffsetsInitializer#latest()}: the end of the log then), so records produced later are not
 * read; a subtask finishes when all its partitions did (at once if it owns none, or they are empty).
 * Unbounded, the source reads forever. Offsets are never committed to Kafka.
 *
 * <p><b>Checkpoints.</b> The offsets are the source's state: each reader snapshots one
 * {@link KafkaPartitionSplit} per partition it owns (next offset, and the stopping offset fixed at
 * the first start in bounded mode); {@link #restoreReader} resumes every partition exactly there, at
 * the same or another parallelism, so each record is emitted once across a failure (with
 * exactly-once downstream).
 *
 * <p><b>Consumer.</b> Defaults: {@code isolation.level=read_committed} (only committed transactional
 * records), {@code enable.auto.commit=false}, {@code auto.offset.reset=earliest} (for an offset no
 * longer in the log), {@code allow.auto.create.topics=false} (a missing topic fails the subtask),
 * {@code max.poll.records=500}, client id {@code flowmesh-source-<job id>-<subtask>}; any of them can
 * be overridden with {@link Builder#setProperty}. Without {@link Builder#setBootstrapServers}, the
 * source reads the cluster's own Kafka ({@value KafkaSink#CLUSTER_BOOTSTRAP_SERVERS} in the runtime
 * context's configuration).
 *
 * <p><b>Records.</b> A {@link KafkaRecordDeserializer} turns each record into a stream record, in
 * offset order per partition; if it throws, the subtask fails naming the topic, partition and offset.
 *
 * <pre>{@code
 * DataStream<String> lines = env.fromSource(KafkaSource.<String>builder()
 *         .setTopics("input")
 *         .setStartingOffsets(OffsetsInitializer.earliest())
 *         .setBounded(OffsetsInitializer.latest())          // omit to read forever
 *         .setDeserializer(KafkaRecordDeserializer.valueOnly(v -> new String(v, UTF_8)))
 *         .build(), "input");
 * }</pre>
 */
public final class KafkaSource<T> implements Source<T> {
    private static final long serialVersionUID = 1L;

    private final String bootstrapServers;
    private final ArrayList<String> topics;
    private final String groupId;
    private final OffsetsInitializer startingOffsets;
    private final OffsetsInitializer stoppingOffsets;
    private final KafkaRecordDeserializer<T> deserializer;
    private final HashMap<String, String> properties;

    private KafkaSource(Builder<T> b) {
        this.bootstrapServers = b.bootstrapServers;
        this.topics = new ArrayList<>(b.topics);
        this.groupId = b.groupId;
        this.startingOffsets = b.startingOffsets;
        this.stoppingOffsets = b.stoppingOffsets;
        this.deserializer = b.deserializer;
        this.properties = new HashMap<>(b.properties);
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    public List<String> topics() {
        return List.copyOf(topics);
    }

    @Override
    public boolean isBounded() {
        return stoppingOffsets != null;
    }

    /** Creates and opens the subtask's reader: connects, assigns its partitions and seeks them. */
    @Override
    public KafkaSourceReader<T> createReader(RuntimeContext context) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(context), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        KafkaSourceReader<T> reader = new KafkaSourceReader<>(consumer, topics, context.subtaskIndex(), context.parallelism(), startingOffsets,
                stoppingOffsets, deserializer, Map.of());
        reader.registerMetrics(context.getMetricGroup());
        return reader;
    }

    /**
     * Creates and opens a reader that resumes from a checkpoint. The subtask takes its partitions as
     * a fresh start does ({@link KafkaPartitionAssigner} with the current subtask index and
     * parallelism, whatever the previous parallelism was); a partition with a
     * {@link KafkaPartitionSplit} in {@code restoredState} resumes at its next offset and, bounded,
     * keeps its stopping offset; one without (a partition added since, or a topic added to the
     * source) starts from the starting offsets and, bounded, stops at the stopping offsets resolved
     * now. Splits of partitions this subtask does not own, or of topics the source no longer reads,
     * are ignored.
     *
     * @throws IllegalArgumentException if the state holds something other than splits, or two
     *     splits of one partition
     */
    @Override
    public KafkaSourceReader<T> restoreReader(RuntimeContext context, List<Object> restoredState) {
        Map<TopicPartition, KafkaPartitionSplit> splits = new HashMap<>();
        for (Object entry : restoredState) {
            if (!(entry instanceof KafkaPartitionSplit split)) {
                throw new IllegalArgumentException("KafkaSource for topics " + topics + ": restored state holds "
                        + (entry == null ? "null" : "a " + entry.getClass().getName()) + ", not a KafkaPartitionSplit; was it written by another source?");
            }
            KafkaPartitionSplit previous = splits.put(split.topicPartition(), split);
            if (previous != null) {
                throw new IllegalArgumentException("KafkaSource for topics " + topics + ": restored state holds two positions for partition "
                        + split.topicPartition() + ": " + previous + " and " + split);
            }
        }
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(context), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        KafkaSourceReader<T> reader = new KafkaSourceReader<>(consumer, topics, context.subtaskIndex(), context.parallelism(), startingOffsets,
                stoppingOffsets, deserializer, splits);
        reader.registerMetrics(context.getMetricGroup());
        return reader;
    }

    /** The consumer's configuration for the given subtask: the defaults of the class comment, then the builder's properties. */
    Properties consumerProperties(RuntimeContext context) {
        String servers = bootstrapServers != null ? bootstrapServers
                : properties.getOrDefault(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, context.configuration().get(KafkaSink.CLUSTER_BOOTSTRAP_SERVERS));
        if (servers == null || servers.isBlank()) {
            throw new IllegalStateException("KafkaSource for topics " + topics + ": no bootstrap servers set and none known to the cluster");
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowmesh-source-" + context.jobId() + "-" + context.subtaskIndex());
        p.putAll(properties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        return p;
    }

    /** Builds a {@link KafkaSource}; the topics and the deserializer are required. */
    public static final class Builder<T> {
        private String bootstrapServers;
        private final LinkedHashSet<String> topics = new LinkedHashSet<>();
        private String groupId;
        private OffsetsInitializer startingOffsets = OffsetsInitializer.earliest();
        private OffsetsInitializer stoppingOffsets;
        private KafkaRecordDeserializer<T> deserializer;
        private final Map<String, String> properties = new HashMap<>();

        public Builder<T> setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** The topics to read (each once, however often it is named). */
        public Builder<T> setTopics(String... topics) {
            Objects.requireNonNull(topics, "topics");
            this.topics.clear();
            for (String topic : topics) {
                if (topic == null || topic.isBlank()) {
                    throw new IllegalArgumentException("KafkaSource: a topic name is blank or null in setTopics(...)");
                }
                this.topics.add(topic);
            }
            return this;
        }

        /** The consumer group: needed for {@link OffsetsInitializer#committedOffsets()}; no group membership. */
        public Builder<T> setGroupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** Where each partition starts; {@link OffsetsInitializer#earliest()} by default. */
        public Builder<T> setStartingOffsets(OffsetsInitializer startingOffsets) {
            this.startingOffsets = Objects.requireNonNull(startingOffsets, "startingOffsets");
            return this;
        }

        /** Makes the source bounded: each partition stops before this offset, resolved when the reader opens. */
        public Builder<T> setBounded(OffsetsInitializer stoppingOffsets) {
            this.stoppingOffsets = Objects.requireNonNull(stoppingOffsets, "stoppingOffsets");
            return this;
        }

        public Builder<T> setDeserializer(KafkaRecordDeserializer<T> deserializer) {
            this.deserializer = deserializer;
            return this;
        }

        /** Any Kafka consumer property; overrides the source's defaults. */
        public Builder<T> setProperty(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public KafkaSource<T> build() {
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("KafkaSource needs at least one topic: call setTopics(...)");
            }
            Objects.requireNonNull(deserializer, "KafkaSource needs a deserializer: call setDeserializer(...)");
            String group = groupId != null ? groupId : properties.get(ConsumerConfig.GROUP_ID_CONFIG);
            if ((startingOffsets.needsGroupId() || (stoppingOffsets != null && stoppingOffsets.needsGroupId()))
                    && (group == null || group.isBlank())) {
                throw new IllegalArgumentException("KafkaSource with OffsetsInitializer.committedOffsets() needs a consumer group: call setGroupId(...)");
            }
            return new KafkaSource<>(this);
        }
    }
}
