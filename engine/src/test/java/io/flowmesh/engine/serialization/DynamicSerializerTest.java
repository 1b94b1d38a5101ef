package io.flowmesh.engine.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.tuple.Tuple2;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DynamicSerializerTest {
    private final DynamicSerializer serializer = new DynamicSerializer(getClass().getClassLoader());

    record Point(int x, int y) implements java.io.Serializable {}

    @Test
    void roundTripsEveryFastPathTypeAndTheFallback() {
        List<Object> values = List.of(42L, -1L, Long.MIN_VALUE, 7, "hello", "", "grüße ✓", 3.25d, true, false, 1.5f, (short) -3, (byte) 9, 'x',
                Tuple2.of(1L, "a"), Tuple2.of(Tuple2.of(1, 2), Tuple2.of("x", 2.0)), new Point(3, 4));
        DataOutputSerializer out = new DataOutputSerializer(8);
        for (Object v : values) {
            serializer.serialize(v, out);
        }
        serializer.serialize(new byte[] {1, 2, 3}, out);
        DataInputDeserializer in = new DataInputDeserializer(out.array(), 0, out.length());
        for (Object v : values) {
            assertThat(serializer.deserialize(in)).isEqualTo(v);
        }
        assertThat((byte[]) serializer.deserialize(in)).containsExactly(1, 2, 3);
        assertThat(in.available()).isFalse();
    }

    @Test
    void aLongTakesNineBytes() {
        DataOutputSerializer out = new DataOutputSerializer(16);
        serializer.serialize(123L, out);
        assertThat(out.length()).isEqualTo(9);
    }

    @Test
    void aTypeThatCannotBeSerializedIsNamed() {
        assertThatThrownBy(() -> serializer.serialize(new Object(), new DataOutputSerializer(8)))
                .hasMessageContaining("no serializer for records of type java.lang.Object");
    }

    @Test
    void readingPastTheEndIsReportedAsCorruption() {
        DataOutputSerializer out = new DataOutputSerializer(8);
        serializer.serialize(1L, out);
        DataInputDeserializer in = new DataInputDeserializer(Arrays.copyOf(out.array(), 5), 0, 5);
        assertThatThrownBy(() -> serializer.deserialize(in)).hasMessageContaining("corrupt buffer");
    }
}
