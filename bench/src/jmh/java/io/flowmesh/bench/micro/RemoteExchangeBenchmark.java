package io.flowmesh.bench.micro;

import io.flowmesh.engine.exchange.DataExchangeServer;
import io.flowmesh.engine.exchange.ExchangeConnections;
import io.flowmesh.engine.exchange.InputGate;
import io.flowmesh.engine.exchange.RemoteInputChannel;
import io.flowmesh.engine.exchange.ResultPartitionManager;
import io.flowmesh.engine.exchange.SubpartitionId;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * The remote exchange on loopback: a producer thread fills a subpartition of a
 * {@link DataExchangeServer}'s partition manager; the benchmark thread reads it through a
 * {@link RemoteInputChannel} (gRPC stream, 8 credits, 32 KiB buffers) and deserializes every record.
 * Producer, gRPC/Netty threads and consumer share one JVM, as two TaskManagers share two cores.
 * The score is records/s; {@link LocalExchangeBenchmark.Counters} give buffers/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RemoteExchangeBenchmark {
    static final int RECORDS = 1_000_000;
    static final int CREDITS = 8;

    private final ResultPartitionManager serverPartitions = new ResultPartitionManager(4);
    private DataExchangeServer server;
    private ExchangeConnections connections;
    private ExecutorService producer;
    private String address;
    private int pass;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = new DataExchangeServer("127.0.0.1", 0, serverPartitions).start();
        address = "127.0.0.1:" + server.port();
        connections = new ExchangeConnections();
        producer = Executors.newSingleThreadExecutor(r -> new Thread(r, "producer"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        producer.shutdownNow();
        connections.close();
        server.close();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long remoteChannel(LocalExchangeBenchmark.Counters counters) throws Exception {
        SubpartitionId id = new SubpartitionId("job", 0, "producer", 0, "consumer", pass++);
        InputGate gate = new InputGate();
        RemoteInputChannel channel = new RemoteInputChannel(0, gate, connections.get(address), address, id, CREDITS);
        gate.addChannel(channel);
        channel.requestSubpartition();
        Future<?> produced = producer.submit(() -> {
            ExchangeSupport.produce(serverPartitions.getOrCreate(id), RECORDS);
            return null;
        });
        ExchangeSupport.Consumed c = ExchangeSupport.consume(gate);
        produced.get();
        channel.close();
        counters.buffers += c.buffers;
        counters.records += c.records;
        return c.checksum;
    }
}
