package io.flowmesh.engine.serialization;

/**
 * Writes and reads records of one type on the data path. Implementations are stateless or
 * confined to one thread; they never use Java serialization for the common types.
 */
public interface TypeSerializer<T> {
    void serialize(T record, DataOutputSerializer target);

    T deserialize(DataInputDeserializer source);
}
