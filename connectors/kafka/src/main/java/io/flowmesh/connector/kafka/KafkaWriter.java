package io.flowmesh.connector.kafka;

import io.flowmesh.api.sink.SinkWriter;
import java.time.Duration;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A {@link KafkaSink} writer with {@link DeliveryGuarantee#NONE} or
 * {@link DeliveryGuarantee#AT_LEAST_ONCE}: one idempotent, non-transactional producer. With
 * AT_LEAST_ONCE, {@code flush(false)} at a barrier returns only when every record sent before it is
 * acknowledged ({@code acks=all}), so a completed checkpoint never covers a record the broker may
 * not have; with NONE it returns at once. {@code flush(true)} waits in both. A failed send fails the
 * next call. Runs on the subtask's thread; the send callback runs on the producer's I/O thread and
 * only records the first error.
 */
final class KafkaWriter<T> implements SinkWriter<T> {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final RecordFieldSerializer<T> keySerializer;
    private final RecordFieldSerializer<T> valueSerializer;
    private final boolean flushAtBarriers;
    private volatile Exception asyncError;
    private final Callback callback = this::onCompletion;

    KafkaWriter(KafkaProducer<byte[], byte[]> producer, String topic, RecordFieldSerializer<T> keySerializer,
            RecordFieldSerializer<T> valueSerializer, DeliveryGuarantee guarantee) {
        this.producer = producer;
        this.topic = topic;
        this.keySerializer = keySerializer;
        this.valueSerializer = valueSerializer;
        this.flushAtBarriers = guarantee == DeliveryGuarantee.AT_LEAST_ONCE;
    }

    private void onCompletion(RecordMetadata metadata, Exception e) {
        if (e != null && asyncError == null) {
            asyncError = e;
        }
    }

    @Override
    public void write(T element) throws Exception {
        checkError();
        byte[] key = keySerializer == null ? null : keySerializer.serialize(element);
        producer.send(new ProducerRecord<>(topic, key, valueSerializer.serialize(element)), callback);
    }

    @Override
    public void flush(boolean endOfInput) throws Exception {
        if (endOfInput || flushAtBarriers) {
            producer.flush(); // returns when every record sent so far is acknowledged (or failed)
        }
        checkError();
    }

    private void checkError() {
        Exception e = asyncError;
        if (e != null) {
            throw new IllegalStateException("writing to Kafka topic '" + topic + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
