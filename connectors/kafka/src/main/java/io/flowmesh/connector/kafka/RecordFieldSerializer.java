package io.flowmesh.connector.kafka;

import io.flowmesh.api.functions.Function;

/** Turns a record into the bytes of a Kafka record's key or value. */
@FunctionalInterface
public interface RecordFieldSerializer<T> extends Function {
    byte[] serialize(T element);
}
