package io.flowmesh.connector.kafka;

import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.sink.Sink;
import io.flowmesh.api.sink.SinkWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a stream to a Kafka topic, as Flink's {@code KafkaSink}, with a {@link DeliveryGuarantee}
 * ({@link Builder#setDeliveryGuarantee}, default {@link DeliveryGuarantee#AT_LEAST_ONCE}):
 * <ul>
 *   <li>{@code NONE}: records are sent as they come; only the end of the input waits for them.</li>
 *   <li>{@code AT_LEAST_ONCE}: every checkpoint barrier waits until each record sent before it is
 *       acknowledged ({@code acks=all}, idempotent producer); a restore may write records again.</li>
 *   <li>{@code EXACTLY_ONCE}: records go into Kafka transactions, pre-committed at each checkpoint
 *       barrier and committed when the checkpoint completes; a restore commits the pre-committed
 *       transactions of the restored checkpoint again and aborts every other transaction the
 *       previous run left open. Consumers must read with {@code isolation.level=read_committed}
 *       and see records at checkpoint intervals. Needs {@link Builder#setTransactionalIdPrefix},
 *       unique per sink among all jobs writing to the cluster. See {@link ExactlyOnceKafkaWriter}.</li>
 * </ul>
 *
 * <p><b>Transactional ids</b> (EXACTLY_ONCE): subtask {@code s} uses {@code <prefix>-<s>-<slot>}: one id
 * per transaction that is open or waiting for its checkpoint to complete, {@link
 * Builder#setTransactionalIdPoolSize} (default {@value #DEFAULT_TRANSACTIONAL_ID_POOL_SIZE}) from
 * the start and one more for every further failed checkpoint in a row. {@code transaction.timeout.ms} is {@link Builder#setTransactionTimeout}
 * (default 15 min, the broker's default {@code transaction.max.timeout.ms}, which it must not exceed);
 * a pre-committed transaction whose checkpoint takes longer to complete, or to be restored after a
 * failure, is aborted by the broker and its records are lost.
 *
 * <p>Without {@link Builder#setBootstrapServers}, the sink writes to the cluster's own Kafka.
 *
 * <pre>{@code
 * stream.sinkTo(KafkaSink.<Tuple2<Long, Long>>builder()
 *         .setTopic("counts")
 *         .setKeySerializer(t -> t.f0.toString().getBytes(UTF_8))
 *         .setValueSerializer(t -> t.f1.toString().getBytes(UTF_8))
 *         .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
 *         .setTransactionalIdPrefix("counts-job")
 *         .build());
 * }</pre>
 */
public final class KafkaSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    /** The key under which TaskManagers pass the cluster's Kafka address to connectors. */
    public static final String CLUSTER_BOOTSTRAP_SERVERS = "flowmesh.kafka.bootstrap-servers";
    public static final int DEFAULT_TRANSACTIONAL_ID_POOL_SIZE = 5;
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private final String bootstrapServers;
    private final String topic;
    private final RecordFieldSerializer<T> keySerializer;
    private final RecordFieldSerializer<T> valueSerializer;
    private final HashMap<String, String> properties;
    private final DeliveryGuarantee deliveryGuarantee;
    private final String transactionalIdPrefix;
    private final int transactionalIdPoolSize;
    private final Duration transactionTimeout;

    private KafkaSink(Builder<T> b) {
        this.bootstrapServers = b.bootstrapServers;
        this.topic = b.topic;
        this.keySerializer = b.keySerializer;
        this.valueSerializer = b.valueSerializer;
        this.properties = new HashMap<>(b.properties);
        this.deliveryGuarantee = b.deliveryGuarantee;
        this.transactionalIdPrefix = b.transactionalIdPrefix;
        this.transactionalIdPoolSize = b.transactionalIdPoolSize;
        this.transactionTimeout = b.transactionTimeout;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    public String topic() {
        return topic;
    }

    public DeliveryGuarantee deliveryGuarantee() {
        return deliveryGuarantee;
    }

    @Override
    public SinkWriter<T> createWriter(RuntimeContext context) {
        return restoreWriter(context, List.of());
    }

    /**
     * With EXACTLY_ONCE, commits the restored {@link KafkaCommittable}s of this subtask
     * ({@code subtask % parallelism == subtaskIndex}) and aborts the transactions that the previous
     * run's ids mapped to this subtask left open ({@link KafkaWriterState}); see
     * {@link ExactlyOnceKafkaWriter}. The other guarantees have no state.
     */
    @Override
    public SinkWriter<T> restoreWriter(RuntimeContext context, List<Object> restoredState) {
        Properties p = producerConfig(context);
        if (deliveryGuarantee != DeliveryGuarantee.EXACTLY_ONCE) {
            return new KafkaWriter<>(new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()), topic, keySerializer,
                    valueSerializer, deliveryGuarantee);
        }
        int subtask = context.subtaskIndex();
        int parallelism = context.parallelism();
        List<KafkaCommittable> toCommit = new ArrayList<>();
        List<KafkaWriterState> writers = new ArrayList<>();
        for (Object entry : restoredState) {
            if (entry instanceof KafkaCommittable c) {
                if (c.subtask() % parallelism == subtask) {
                    toCommit.add(c);
                }
            } else if (entry instanceof KafkaWriterState w) {
                writers.add(w);
            } else {
                throw new IllegalArgumentException("KafkaSink for topic '" + topic + "': restored state holds "
                        + (entry == null ? "null" : "a " + entry.getClass().getName()) + ", which this sink never writes");
            }
        }
        toCommit.sort(Comparator.comparingLong(KafkaCommittable::checkpointId).thenComparing(KafkaCommittable::transactionalId));
        Set<String> toAbort = TransactionalIds.toAbortOnRestore(writers, transactionalIdPrefix, subtask, parallelism, transactionalIdPoolSize);
        Set<String> prefixes = new LinkedHashSet<>();
        prefixes.add(transactionalIdPrefix);
        writers.forEach(w -> prefixes.add(w.transactionalIdPrefix()));
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeout.toMillis()));
        return new ExactlyOnceKafkaWriter<>(topic, keySerializer, valueSerializer, p, transactionalIdPrefix, subtask, parallelism,
                transactionalIdPoolSize, toCommit, toAbort, prefixes);
    }

    private Properties producerConfig(RuntimeContext context) {
        String servers = bootstrapServers != null ? bootstrapServers : context.configuration().get(CLUSTER_BOOTSTRAP_SERVERS);
        if (servers == null || servers.isBlank()) {
            throw new IllegalStateException("KafkaSink for topic '" + topic + "': no bootstrap servers set and none known to the cluster");
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "flowmesh-sink-" + context.jobId() + "-" + context.subtaskIndex());
        p.putAll(properties);
        return p;
    }

    /** Builds a {@link KafkaSink}; the topic and the value serializer are required, and a transactional id prefix for EXACTLY_ONCE. */
    public static final class Builder<T> {
        private String bootstrapServers;
        private String topic;
        private RecordFieldSerializer<T> keySerializer;
        private RecordFieldSerializer<T> valueSerializer;
        private final Map<String, String> properties = new HashMap<>();
        private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.AT_LEAST_ONCE;
        private String transactionalIdPrefix;
        private int transactionalIdPoolSize = DEFAULT_TRANSACTIONAL_ID_POOL_SIZE;
        private Duration transactionTimeout = DEFAULT_TRANSACTION_TIMEOUT;

        public Builder<T> setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder<T> setTopic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder<T> setKeySerializer(RecordFieldSerializer<T> keySerializer) {
            this.keySerializer = keySerializer;
            return this;
        }

        public Builder<T> setValueSerializer(RecordFieldSerializer<T> valueSerializer) {
            this.valueSerializer = valueSerializer;
            return this;
        }

        /** {@link DeliveryGuarantee#AT_LEAST_ONCE} by default. */
        public Builder<T> setDeliveryGuarantee(DeliveryGuarantee deliveryGuarantee) {
            this.deliveryGuarantee = Objects.requireNonNull(deliveryGuarantee, "deliveryGuarantee");
            return this;
        }

        /**
         * The prefix of the transactional ids (EXACTLY_ONCE): unique per sink among the jobs writing
         * to the cluster, and kept when a job is restored, so that the restore finds the previous
         * run's transactions.
         */
        public Builder<T> setTransactionalIdPrefix(String transactionalIdPrefix) {
            this.transactionalIdPrefix = transactionalIdPrefix;
            return this;
        }

        /**
         * How many transactional ids a subtask initializes at its start (EXACTLY_ONCE; default
         * {@value KafkaSink#DEFAULT_TRANSACTIONAL_ID_POOL_SIZE}): one for the open transaction, the others
         * for transactions waiting for their checkpoint. A writer that needs more (checkpoints fail
         * several times in a row) adds ids one by one; a restore finds and aborts them.
         */
        public Builder<T> setTransactionalIdPoolSize(int poolSize) {
            if (poolSize < 2) {
                throw new IllegalArgumentException("KafkaSink: the transactional id pool size must be >= 2 (one open transaction, one"
                        + " waiting for its checkpoint), was " + poolSize);
            }
            this.transactionalIdPoolSize = poolSize;
            return this;
        }

        /**
         * The producers' {@code transaction.timeout.ms} (EXACTLY_ONCE; default 15 min): at most the
         * broker's {@code transaction.max.timeout.ms}, and more than the longest time between a
         * checkpoint barrier and its completion, or a restore after a failure.
         */
        public Builder<T> setTransactionTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("KafkaSink: the transaction timeout must be between 1 ms and " + Integer.MAX_VALUE
                        + " ms, was " + timeout);
            }
            this.transactionTimeout = timeout;
            return this;
        }

        /** Any Kafka producer property, except {@code transactional.id} and {@code transaction.timeout.ms} (see the setters). */
        public Builder<T> setProperty(String key, String value) {
            if (ProducerConfig.TRANSACTIONAL_ID_CONFIG.equals(key)) {
                throw new IllegalArgumentException("KafkaSink sets transactional.id itself: use setDeliveryGuarantee(EXACTLY_ONCE)"
                        + " and setTransactionalIdPrefix(...)");
            }
            if (ProducerConfig.TRANSACTION_TIMEOUT_CONFIG.equals(key)) {
                return setTransactionTimeout(Duration.ofMillis(Long.parseLong(value)));
            }
            properties.put(key, value);
            return this;
        }

        public KafkaSink<T> build() {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("KafkaSink needs a topic: call setTopic(...)");
            }
            Objects.requireNonNull(valueSerializer, "KafkaSink needs a value serializer: call setValueSerializer(...)");
            if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
                if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
                    throw new IllegalArgumentException("KafkaSink for topic '" + topic + "' with DeliveryGuarantee.EXACTLY_ONCE needs a"
                            + " transactional id prefix, unique to this sink among the jobs writing to the cluster: call"
                            + " setTransactionalIdPrefix(...)");
                }
                TransactionalProducer.checkClientInternals();
            }
            return new KafkaSink<>(this);
        }
    }
}
