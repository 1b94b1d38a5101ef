package io.flowmesh.connector.kafka;

import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.sink.Sink;
import io.flowmesh.api.sink.SinkWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a stream to a Kafka topic, as Flink's {@code KafkaSink}, at least once: every record is
 * acknowledged by the broker ({@code acks=all}, idempotent producer) before the subtask finishes.
 * Exactly-once (transactions committed on checkpoint completion) comes with checkpoints.
 *
 * <p>Without {@link Builder#setBootstrapServers}, the sink writes to the cluster's own Kafka.
 *
 * <pre>{@code
 * stream.sinkTo(KafkaSink.<Tuple2<Long, Long>>builder()
 *         .setTopic("counts")
 *         .setKeySerializer(t -> t.f0.toString().getBytes(UTF_8))
 *         .setValueSerializer(t -> t.f1.toString().getBytes(UTF_8))
 *         .build());
 * }</pre>
 */
public final class KafkaSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    /** The key under which TaskManagers pass the cluster's Kafka address to connectors. */
    public static final String CLUSTER_BOOTSTRAP_SERVERS = "flowmesh.kafka.bootstrap-servers";

    private final String bootstrapServers;
    private final String topic;
    private final RecordFieldSerializer<T> keySerializer;
    private final RecordFieldSerializer<T> valueSerializer;
    private final HashMap<String, String> properties;

    private KafkaSink(Builder<T> b) {
        this.bootstrapServers = b.bootstrapServers;
        this.topic = b.topic;
        this.keySerializer = b.keySerializer;
        this.valueSerializer = b.valueSerializer;
        this.properties = new HashMap<>(b.properties);
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    public String topic() {
        return topic;
    }

    @Override
    public SinkWriter<T> createWriter(RuntimeContext context) {
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
        return new Writer<>(new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()), topic, keySerializer, valueSerializer);
    }

    private static final class Writer<T> implements SinkWriter<T> {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final RecordFieldSerializer<T> keySerializer;
        private final RecordFieldSerializer<T> valueSerializer;
        private volatile Exception asyncError;

        Writer(KafkaProducer<byte[], byte[]> producer, String topic, RecordFieldSerializer<T> keySerializer,
                RecordFieldSerializer<T> valueSerializer) {
            this.producer = producer;
            this.topic = topic;
            this.keySerializer = keySerializer;
            this.valueSerializer = valueSerializer;
        }

        @Override
        public void write(T element) throws Exception {
            checkError();
            byte[] key = keySerializer == null ? null : keySerializer.serialize(element);
            producer.send(new ProducerRecord<>(topic, key, valueSerializer.serialize(element)), (metadata, e) -> {
                if (e != null && asyncError == null) {
                    asyncError = e;
                }
            });
        }

        @Override
        public void flush(boolean endOfInput) throws Exception {
            producer.flush();
            checkError();
        }

        private void checkError() throws Exception {
            Exception e = asyncError;
            if (e != null) {
                throw new IllegalStateException("writing to Kafka topic '" + topic + "' failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** Builds a {@link KafkaSink}; the topic and the value serializer are required. */
    public static final class Builder<T> {
        private String bootstrapServers;
        private String topic;
        private RecordFieldSerializer<T> keySerializer;
        private RecordFieldSerializer<T> valueSerializer;
        private final Map<String, String> properties = new HashMap<>();

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

        /** Any Kafka producer property. */
        public Builder<T> setProperty(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public KafkaSink<T> build() {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("KafkaSink needs a topic: call setTopic(...)");
            }
            Objects.requireNonNull(valueSerializer, "KafkaSink needs a value serializer: call setValueSerializer(...)");
            return new KafkaSink<>(this);
        }
    }
}
