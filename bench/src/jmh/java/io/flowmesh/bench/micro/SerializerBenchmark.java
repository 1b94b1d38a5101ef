package io.flowmesh.bench.micro;

import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.engine.serialization.DataInputDeserializer;
import io.flowmesh.engine.serialization.DataOutputSerializer;
import io.flowmesh.engine.serialization.DynamicSerializer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link DynamicSerializer}: one record written into a reused buffer, and read back, per operation
 * (records/s). {@code Tuple2} is (Long, Long), as W2 and W3 send it across a keyBy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SerializerBenchmark {

    @Param({"Long", "Tuple2", "String"})
    public String type;

    private final DynamicSerializer serializer = new DynamicSerializer(SerializerBenchmark.class.getClassLoader());
    private final DataOutputSerializer out = new DataOutputSerializer(256);
    private final DataInputDeserializer in = new DataInputDeserializer();
    private Object record;
    private long next;

    @Setup
    public void setUp() {
        record = switch (type) {
            case "Long" -> 123_456_789L;
            case "Tuple2" -> Tuple2.of(617L, 443L);
            case "String" -> "flowmesh-benchmark-key-00042";
            default -> throw new IllegalArgumentException(type);
        };
        out.clear();
        serializer.serialize(record, out);
        in.setBuffer(out.toByteArray(), 0, out.length());
    }

    @Benchmark
    public int serialize() {
        out.clear();
        serializer.serialize(record, out);
        return out.length();
    }

    @Benchmark
    public Object deserialize() {
        in.setBuffer(out.array(), 0, out.length());
        return serializer.deserialize(in);
    }

    /** A fresh boxed record each time, as a job's map function makes them. */
    @Benchmark
    public Object roundTripFreshRecord() {
        long i = next++;
        Object r = switch (type) {
            case "Long" -> i;
            case "Tuple2" -> Tuple2.of((i * 31 + 7) % 1000, i % 1000);
            default -> record;
        };
        out.clear();
        serializer.serialize(r, out);
        in.setBuffer(out.array(), 0, out.length());
        return serializer.deserialize(in);
    }
}
