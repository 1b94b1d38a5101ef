package io.flowmesh.engine.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.engine.serialization.DataInputDeserializer;
import io.flowmesh.engine.serialization.DynamicSerializer;
import io.flowmesh.proto.PartitionerType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Records through record writers, subpartitions and input channels: in memory and over gRPC with credits. */
class ExchangeTest {
    private static final String JOB = "job";
    private final DynamicSerializer serializer = new DynamicSerializer(getClass().getClassLoader());
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private static SubpartitionId id(int subpartition) {
        return new SubpartitionId(JOB, 0, "producer", 0, "consumer", subpartition);
    }

    private RecordWriter writer(ResultPartitionManager manager, int subpartitions, PartitionerType type, int bufferSize) {
        ResultSubpartition[] sp = new ResultSubpartition[subpartitions];
        for (int i = 0; i < subpartitions; i++) {
            sp[i] = manager.getOrCreate(id(i));
        }
        return new RecordWriter(sp, ChannelSelector.of(type, subpartitions, 128, r -> r, 0, "consumer"), serializer, bufferSize);
    }

    /** Reads one gate until every channel ended; returns the records per channel. */
    private List<Object> drain(InputGate gate) throws Exception {
        List<Object> records = new ArrayList<>();
        int open = gate.numberOfChannels();
        DataInputDeserializer in = new DataInputDeserializer();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (open > 0) {
            assertThat(System.nanoTime()).as("drain timed out").isLessThan(deadline);
            InputChannel ch = gate.awaitChannel(100);
            if (ch == null) {
                continue;
            }
            Buffer b = ch.pollBuffer();
            if (b == null) {
                ch.checkError();
                continue;
            }
            gate.requeueIfMore(ch);
            in.setBuffer(b.data(), 0, b.length());
            while (in.available()) {
                byte tag = in.readByte();
                if (tag == BufferFormat.RECORD) {
                    records.add(serializer.deserialize(in));
                } else if (tag == BufferFormat.END_OF_PARTITION) {
                    open--;
                }
            }
            ch.onBufferConsumed();
        }
        return records;
    }

    @Test
    void hashPartitioningDeliversEveryRecordOnceInOrderToItsKeyGroupsSubtask() throws Exception {
        ResultPartitionManager manager = new ResultPartitionManager(4);
        RecordWriter w = writer(manager, 2, PartitionerType.HASH, 1024);
        InputGate[] gates = new InputGate[2];
        List<List<Object>> received = new ArrayList<>();
        List<Thread> consumers = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            gates[c] = new InputGate();
            gates[c].addChannel(new LocalInputChannel(0, gates[c], manager, id(c)));
            gates[c].channels().get(0).requestSubpartition();
            List<Object> sink = new ArrayList<>();
            received.add(sink);
            InputGate g = gates[c];
            Thread t = new Thread(() -> {
                try {
                    sink.addAll(drain(g));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            t.start();
            consumers.add(t);
        }
        int n = 100_000;
        for (long i = 0; i < n; i++) {
            w.emit(i);
        }
        w.finish();
        for (Thread t : consumers) {
            t.join(30_000);
        }
        List<Long> expected0 = new ArrayList<>();
        List<Long> expected1 = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            (KeyGroupRangeAssignment.assignKeyToParallelOperator(i, 128, 2) == 0 ? expected0 : expected1).add(i);
        }
        assertThat(received.get(0)).isEqualTo(expected0);
        assertThat(received.get(1)).isEqualTo(expected1);
        assertThat(manager.size()).as("consumed subpartitions are forgotten").isZero();
    }

    @Test
    void aConsumerThatDoesNotReadBlocksItsProducerWithBoundedMemory() throws Exception {
        ResultPartitionManager manager = new ResultPartitionManager(3);
        RecordWriter w = writer(manager, 1, PartitionerType.FORWARD, 256);
        Thread producer = startEndlessProducer(w);
        ResultSubpartition sp = manager.getOrCreate(id(0));
        waitUntilBlocked(producer);
        assertThat(sp.backlog()).isEqualTo(3);
        assertThat(w.recordsOut()).isLessThan(1_000_000).isGreaterThan(60);
        sp.release();
        producer.join(5000);
        assertThat(producer.isAlive()).isFalse();
    }

    @Test
    void remoteChannelsCarryEveryRecordInOrderOverGrpc() throws Exception {
        ResultPartitionManager producerSide = new ResultPartitionManager(4);
        DataExchangeServer server = new DataExchangeServer("127.0.0.1", 0, producerSide).start();
        closeables.add(server);
        ExchangeConnections connections = new ExchangeConnections();
        closeables.add(connections);
        InputGate gate = new InputGate();
        String address = "127.0.0.1:" + server.port();
        gate.addChannel(new RemoteInputChannel(0, gate, connections.get(address), address, id(0), 4));
        gate.channels().get(0).requestSubpartition();

        RecordWriter w = writer(producerSide, 1, PartitionerType.FORWARD, 4096);
        int n = 200_000;
        Thread producer = new Thread(() -> {
            try {
                for (long i = 0; i < n; i++) {
                    w.emit("record-" + i);
                }
                w.finish();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        producer.start();
        List<Object> received = drain(gate);
        producer.join(10_000);
        assertThat(received).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(received.get(i)).isEqualTo("record-" + i);
        }
    }

    @Test
    void aRemoteConsumerReceivesNoMoreBuffersThanItsCreditsAndItsProducerBlocks() throws Exception {
        ResultPartitionManager producerSide = new ResultPartitionManager(2);
        DataExchangeServer server = new DataExchangeServer("127.0.0.1", 0, producerSide).start();
        closeables.add(server);
        ExchangeConnections connections = new ExchangeConnections();
        closeables.add(connections);
        InputGate gate = new InputGate();
        String address = "127.0.0.1:" + server.port();
        RemoteInputChannel channel = new RemoteInputChannel(0, gate, connections.get(address), address, id(0), 3);
        gate.addChannel(channel);
        channel.requestSubpartition();

        RecordWriter w = writer(producerSide, 1, PartitionerType.FORWARD, 256);
        Thread producer = startEndlessProducer(w);
        waitUntilBlocked(producer);
        // take what arrives without consuming it (no credit goes back): exactly the 3 credited buffers
        int held = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (held < 3 && System.nanoTime() < deadline) {
            if (channel.pollBuffer() != null) {
                held++;
            } else {
                Thread.sleep(10);
            }
        }
        Thread.sleep(500);
        while (channel.pollBuffer() != null) {
            held++;
        }
        assertThat(held).as("buffers in flight to the consumer = its credits").isEqualTo(3);
        assertThat(producerSide.getOrCreate(id(0)).backlog()).as("queued at the producer").isEqualTo(2);
        producerSide.releaseJob(JOB, 0);
        producer.join(5000);
        channel.close();
    }

    /** Emits up to a million records, until its subpartitions are released. */
    private static Thread startEndlessProducer(RecordWriter w) {
        Thread producer = new Thread(() -> {
            try {
                for (long i = 0; i < 1_000_000; i++) {
                    w.emit(i);
                }
            } catch (InterruptedException e) {
                // released
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        producer.start();
        return producer;
    }

    private static void waitUntilBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.TIMED_WAITING || s == Thread.State.WAITING) {
                Thread.sleep(200);
                if (t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.WAITING) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("producer never blocked").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
