package io.flowmesh.connector.kafka;

import io.flowmesh.api.functions.Function;
import java.util.Objects;

/**
 * Turns a Kafka record into a stream record, as Flink's {@code KafkaRecordDeserializationSchema}.
 * Called by {@link KafkaSource}'s reader on the subtask's thread, once per record, in offset order
 * per partition. The byte arrays belong to the call: copy what you keep.
 *
 * <p>Return {@code null} to skip the record. An exception fails the subtask with a message naming the
 * topic, partition and offset of the record.
 */
@FunctionalInterface
public interface KafkaRecordDeserializer<T> extends Function {

    /**
     * @param key the record's key, {@code null} if it has none
     * @param value the record's value, {@code null} for a tombstone
     * @param timestamp the record's timestamp (create or log-append time), milliseconds since the epoch
     */
    T deserialize(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp) throws Exception;

    /** A deserializer that looks at the value only: {@code valueOnly(v -> new String(v, UTF_8))}. */
    static <T> KafkaRecordDeserializer<T> valueOnly(ValueDeserializer<T> valueDeserializer) {
        Objects.requireNonNull(valueDeserializer, "valueDeserializer");
        return (key, value, topic, partition, offset, timestamp) -> valueDeserializer.deserialize(value);
    }

    /** Turns the bytes of a record's value into a stream record. */
    @FunctionalInterface
    interface ValueDeserializer<T> extends Function {
        T deserialize(byte[] value) throws Exception;
    }
}
