package io.flowmesh.engine.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.api.windowing.windows.TimeWindow;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DynamicSerializerTest {
    private final DynamicSerializer serializer = new DynamicSerializer(getClass().getClassLoader());

    record Point(int x, int y) implements java.io.Serializable {}

    /** Neither Serializable nor with a registered serializer: written field by field. */
    record Trade(String symbol, long quantity, double price, List<String> tags, Point where) {}

    static final class Pojo {
        private String name;
        private int count;
        long[] history;
        Pojo inner;

        Pojo() {}

        Pojo(String name, int count, long[] history, Pojo inner) {
            this.name = name;
            this.count = count;
            this.history = history;
            this.inner = inner;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pojo p && java.util.Objects.equals(name, p.name) && count == p.count
                    && Arrays.equals(history, p.history) && java.util.Objects.equals(inner, p.inner);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(name, count);
        }
    }

    /** No no-argument constructor, not Serializable: needs a registered serializer. */
    static final class Money {
        final long cents;
        final String currency;

        Money(long cents, String currency) {
            this.cents = cents;
            this.currency = currency;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Money m && m.cents == cents && m.currency.equals(currency);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(cents);
        }
    }

    static final class MoneySerializer implements io.flowmesh.api.serialization.RecordSerializer<Money> {
        @Override
        public void serialize(Money m, java.io.DataOutput out) throws java.io.IOException {
            out.writeLong(m.cents);
            out.writeUTF(m.currency);
        }

        @Override
        public Money deserialize(java.io.DataInput in) throws java.io.IOException {
            return new Money(in.readLong(), in.readUTF());
        }
    }

    /** Writes with one instance and reads with another, passing the class definitions as the exchange does. */
    private static List<Object> roundTrip(java.util.Map<String, io.flowmesh.api.serialization.RecordSerializer<?>> registered, List<Object> values) {
        ClassLoader loader = DynamicSerializerTest.class.getClassLoader();
        DynamicSerializer writer = new DynamicSerializer(loader, registered);
        DynamicSerializer reader = new DynamicSerializer(loader, registered);
        List<Object> out = new java.util.ArrayList<>();
        for (Object v : values) {
            DataOutputSerializer bytes = new DataOutputSerializer(16);
            writer.serialize(v, bytes);
            for (DynamicSerializer.Definition d : writer.takeDefinitions()) {
                reader.define(d.id(), d.className());
            }
            out.add(reader.deserialize(new DataInputDeserializer(bytes.array(), 0, bytes.length())));
        }
        return out;
    }

    @Test
    void javaRecordsAndPojosAreWrittenFieldByFieldWithTheirClassNamedOnce() {
        Trade t1 = new Trade("FLWM", 100, 12.5, List.of("a", "b"), new Point(1, 2));
        Trade t2 = new Trade("ACME", 7, 3.0, List.of(), null);
        Pojo p = new Pojo("p", 3, new long[] {1, 2, 3}, new Pojo("inner", 1, null, null));
        List<Object> values = List.of(t1, t2, p, new int[] {4, 5}, new double[] {1.5}, new Object[] {"x", 1L, null});
        List<Object> back = roundTrip(java.util.Map.of(), values);
        assertThat(back.get(0)).isEqualTo(t1);
        assertThat(back.get(1)).isEqualTo(t2);
        assertThat(back.get(2)).isEqualTo(p);
        assertThat((int[]) back.get(3)).containsExactly(4, 5);
        assertThat((double[]) back.get(4)).containsExactly(1.5);
        assertThat((Object[]) back.get(5)).containsExactly("x", 1L, null);

        // the class is named once; later records carry a 2-byte id
        DynamicSerializer writer = new DynamicSerializer(getClass().getClassLoader());
        DataOutputSerializer first = new DataOutputSerializer(16);
        writer.serialize(t1, first);
        assertThat(writer.takeDefinitions()).extracting(DynamicSerializer.Definition::className)
                .contains(Trade.class.getName());
        DataOutputSerializer second = new DataOutputSerializer(16);
        writer.serialize(t1, second);
        assertThat(writer.takeDefinitions()).isEmpty();
        assertThat(second.length()).isEqualTo(first.length());
    }

    @Test
    void aNewStreamCarriesItsOwnDefinitionsFromIdZeroAndReadsBackWithAFreshReader() {
        DynamicSerializer writer = new DynamicSerializer(getClass().getClassLoader());
        Trade trade = new Trade("FLWM", 100, 12.5, null, new Point(1, 2));
        Money money = new Money(5, "USD"); // through the fallback (Fory)
        for (int stream = 0; stream < 2; stream++) {
            writer.startNewStream();
            DataOutputSerializer bytes = new DataOutputSerializer(16);
            writer.serialize(money, bytes);
            writer.serialize(trade, bytes);
            List<DynamicSerializer.Definition> definitions = writer.takeDefinitions();
            assertThat(definitions).extracting(DynamicSerializer.Definition::className)
                    .containsExactly(Money.class.getName(), Trade.class.getName(), Point.class.getName());
            assertThat(definitions).extracting(DynamicSerializer.Definition::id).containsExactly(0, 1, 2);
            DynamicSerializer reader = new DynamicSerializer(getClass().getClassLoader());
            definitions.forEach(d -> reader.define(d.id(), d.className()));
            DataInputDeserializer in = new DataInputDeserializer(bytes.array(), 0, bytes.length());
            assertThat(reader.deserialize(in)).isEqualTo(money);
            assertThat(reader.deserialize(in)).isEqualTo(trade);
        }
    }

    @Test
    void aRegisteredSerializerIsUsedForItsClass() {
        var registered = java.util.Map.<String, io.flowmesh.api.serialization.RecordSerializer<?>>of(Money.class.getName(), new MoneySerializer());
        assertThat(roundTrip(registered, List.of(new Money(1999, "EUR"), new Money(5, "USD"))))
                .containsExactly(new Money(1999, "EUR"), new Money(5, "USD"));
    }

    @Test
    void otherClassesGoThroughTheGeneralFallbackWithoutJavaSerialization() {
        // Money has no no-argument constructor, final fields, and is not Serializable: Fory handles it
        assertThat(roundTrip(java.util.Map.of(), List.of(new Money(1, "EUR"), new Money(2, "USD"))))
                .containsExactly(new Money(1, "EUR"), new Money(2, "USD"));
    }

    /** Holds a thread: nothing can serialize that. */
    record HoldsThread(Thread thread) {}

    @Test
    void aTypeNoSerializerCanHandleIsRefusedNamingIt() {
        assertThatThrownBy(() -> roundTrip(java.util.Map.of(), List.of(new HoldsThread(Thread.currentThread()))))
                .hasMessageContaining("no serializer for records of type java.lang.Thread")
                .hasMessageContaining("register a RecordSerializer");
    }

    @Test
    void aRecordBeforeItsClassDefinitionIsReportedAsCorruption() {
        DynamicSerializer writer = new DynamicSerializer(getClass().getClassLoader());
        DataOutputSerializer bytes = new DataOutputSerializer(16);
        writer.serialize(new Point(1, 2), bytes);
        DynamicSerializer reader = new DynamicSerializer(getClass().getClassLoader());
        assertThatThrownBy(() -> reader.deserialize(new DataInputDeserializer(bytes.array(), 0, bytes.length())))
                .hasMessageContaining("before its definition");
    }

    @Test
    void roundTripsEveryFastPathTypeAndTheFallback() {
        List<Object> values = List.of(42L, -1L, Long.MIN_VALUE, 7, "hello", "", "grüße ✓", 3.25d, true, false, 1.5f, (short) -3, (byte) 9, 'x',
                Tuple2.of(1L, "a"), Tuple2.of(Tuple2.of(1, 2), Tuple2.of("x", 2.0)));
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
    void aTimeWindowIsItsClassIdAndTwoLongsNineteenBytes() {
        DynamicSerializer writer = new DynamicSerializer(getClass().getClassLoader());
        DataOutputSerializer out = new DataOutputSerializer(16);
        writer.serialize(new TimeWindow(-1000, 0x0102030405060708L), out);
        assertThat(writer.takeDefinitions()).containsExactly(new DynamicSerializer.Definition(0, "io.flowmesh.api.windowing.windows.TimeWindow"));
        assertThat(Arrays.copyOf(out.array(), out.length())).containsExactly(
                13, 0, 0, // CLASS, class id 0
                -1, -1, -1, -1, -1, -1, -4, 24, // start -1000
                1, 2, 3, 4, 5, 6, 7, 8); // end
        assertThat(roundTrip(java.util.Map.of(), List.of(new TimeWindow(0, 1000), new TimeWindow(-5, 5))))
                .containsExactly(new TimeWindow(0, 1000), new TimeWindow(-5, 5));
    }

    @Test
    void aTimeWindowWrittenByTheGeneralFallbackBeforeItHadItsOwnSerializerStillReads() {
        // how checkpoints and savepoints of earlier versions hold a TimeWindow: FALLBACK, length, Fory's bytes
        org.apache.fory.Fory fory = org.apache.fory.Fory.builder().withLanguage(org.apache.fory.config.Language.JAVA)
                .withClassLoader(getClass().getClassLoader()).requireClassRegistration(false)
                .withCompatibleMode(org.apache.fory.config.CompatibleMode.SCHEMA_CONSISTENT).build();
        byte[] old = fory.serialize(new TimeWindow(3000, 4000));
        DataOutputSerializer out = new DataOutputSerializer(16);
        out.writeByte(18);
        out.writeInt(old.length);
        out.writeBytes(old, 0, old.length);
        assertThat(serializer.deserialize(new DataInputDeserializer(out.array(), 0, out.length()))).isEqualTo(new TimeWindow(3000, 4000));
    }

    @Test
    void readingPastTheEndIsReportedAsCorruption() {
        DataOutputSerializer out = new DataOutputSerializer(8);
        serializer.serialize(1L, out);
        DataInputDeserializer in = new DataInputDeserializer(Arrays.copyOf(out.array(), 5), 0, 5);
        assertThatThrownBy(() -> serializer.deserialize(in)).hasMessageContaining("corrupt buffer");
    }
}
