package io.flowmesh.api.serialization;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;

/**
 * A serializer a program registers for one of its record types
 * ({@code env.registerTypeSerializer(Money.class, new MoneySerializer())}), used wherever records of
 * that exact class travel between subtasks. Must read exactly what it wrote; one instance per
 * subtask, never called concurrently.
 */
public interface RecordSerializer<T> extends Serializable {
    void serialize(T record, DataOutput out) throws IOException;

    T deserialize(DataInput in) throws IOException;
}
