package io.flowmesh.bench.micro;

import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.engine.exchange.Buffer;
import io.flowmesh.engine.exchange.BufferFormat;
import io.flowmesh.engine.exchange.ChannelSelector;
import io.flowmesh.engine.exchange.InputChannel;
import io.flowmesh.engine.exchange.InputGate;
import io.flowmesh.engine.exchange.RecordWriter;
import io.flowmesh.engine.exchange.ResultSubpartition;
import io.flowmesh.engine.serialization.DataInputDeserializer;
import io.flowmesh.engine.serialization.DynamicSerializer;
import io.flowmesh.proto.PartitionerType;

/** Producer and consumer loops shared by the exchange benchmarks; they do what StreamTask does per record. */
final class ExchangeSupport {
    static final int BUFFER_SIZE = 32 * 1024;

    private ExchangeSupport() {
    }

    /** Counts of one consumer pass. */
    static final class Consumed {
        long records;
        long buffers;
        long checksum;
    }

    /** Emits {@code records} (key, value) tuples of the benchmark generator into one subpartition, then END_OF_PARTITION. */
    static void produce(ResultSubpartition subpartition, long records) throws Exception {
        DynamicSerializer serializer = new DynamicSerializer(ExchangeSupport.class.getClassLoader());
        RecordWriter writer = new RecordWriter(new ResultSubpartition[] {subpartition},
                ChannelSelector.of(PartitionerType.FORWARD, 1, 128, null, 0, "consumer"), serializer, BUFFER_SIZE);
        for (long i = 0; i < records; i++) {
            writer.emit(Tuple2.of((i * 31 + 7) % 1000, i % 1000));
        }
        writer.finish();
    }

    /** Reads the gate until END_OF_PARTITION, deserializing every record. */
    @SuppressWarnings("unchecked")
    static Consumed consume(InputGate gate) throws Exception {
        DynamicSerializer serializer = new DynamicSerializer(ExchangeSupport.class.getClassLoader());
        DataInputDeserializer in = new DataInputDeserializer();
        Consumed c = new Consumed();
        boolean ended = false;
        while (!ended) {
            InputChannel ch = gate.pollChannel();
            if (ch == null) {
                ch = gate.awaitChannel(100);
                if (ch == null) {
                    continue;
                }
            }
            Buffer b = ch.pollBuffer();
            if (b == null) {
                ch.checkError();
                continue;
            }
            gate.requeueIfMore(ch);
            c.buffers++;
            in.setBuffer(b.data(), 0, b.length());
            while (in.available()) {
                byte tag = in.readByte();
                if (tag == BufferFormat.RECORD) {
                    Tuple2<Long, Long> t = (Tuple2<Long, Long>) serializer.deserialize(in);
                    c.records++;
                    c.checksum += t.f1;
                } else if (tag == BufferFormat.END_OF_PARTITION) {
                    ended = true;
                } else {
                    throw new IllegalStateException("unexpected element " + tag);
                }
            }
            ch.onBufferConsumed();
        }
        return c;
    }
}
