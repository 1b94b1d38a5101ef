package io.flowmesh.bench.micro;

import io.flowmesh.engine.exchange.InputGate;
import io.flowmesh.engine.exchange.LocalInputChannel;
import io.flowmesh.engine.exchange.ResultPartitionManager;
import io.flowmesh.engine.exchange.SubpartitionId;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code RecordWriter → ResultSubpartition → LocalInputChannel} between two threads, as between two
 * subtasks of one TaskManager: a producer thread serializes (key, value) tuples into 32 KiB buffers
 * and queues them (4 buffers, then backpressure); the benchmark thread reads them through an
 * {@link InputGate} and deserializes every record. The score is records/s; the aux counters give
 * buffers/s too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LocalExchangeBenchmark {
    static final int RECORDS = 1_000_000;

    private final ResultPartitionManager partitions = new ResultPartitionManager(4);
    private ExecutorService producer;
    private int pass;

    /** Buffers and records per second, reported beside the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long buffers;
        public long records;
    }

    @Setup(Level.Trial)
    public void setUp() {
        producer = Executors.newSingleThreadExecutor(r -> new Thread(r, "producer"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        producer.shutdownNow();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long localChannel(Counters counters) throws Exception {
        SubpartitionId id = new SubpartitionId("job", 0, "producer", 0, "consumer", pass++);
        InputGate gate = new InputGate();
        LocalInputChannel channel = new LocalInputChannel(0, gate, partitions, id);
        gate.addChannel(channel);
        channel.requestSubpartition();
        Future<?> produced = producer.submit(() -> {
            ExchangeSupport.produce(partitions.getOrCreate(id), RECORDS);
            return null;
        });
        ExchangeSupport.Consumed c = ExchangeSupport.consume(gate);
        produced.get();
        counters.buffers += c.buffers;
        counters.records += c.records;
        return c.checksum;
    }
}
