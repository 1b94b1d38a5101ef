package io.flowmesh.bench.micro;

import io.flowmesh.api.state.ValueState;
import io.flowmesh.api.state.ValueStateDescriptor;
import io.flowmesh.engine.state.HeapKeyedStateBackend;
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
 * {@link HeapKeyedStateBackend} value state as a keyed operator uses it: set the current key, read
 * the key's value, write the new one (a running count), over {@code keys} boxed {@code Long} keys in
 * the generator's order. Operations/s = records/s of a keyed counter.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeapStateBenchmark {

    @Param({"1000", "1000000"})
    public int keys;

    private HeapKeyedStateBackend backend;
    private ValueState<Long> state;
    private Long[] keyObjects;
    private int next;

    @Setup
    public void setUp() {
        backend = new HeapKeyedStateBackend(System::currentTimeMillis);
        state = backend.getState(new ValueStateDescriptor<>("count", Long.class));
        keyObjects = new Long[keys];
        for (int i = 0; i < keys; i++) {
            keyObjects[i] = (long) ((i * 31L + 7) % keys);
        }
    }

    @Benchmark
    public Long getAndUpdate() {
        Long key = keyObjects[next];
        next = next + 1 == keys ? 0 : next + 1;
        backend.setCurrentKey(key);
        Long c = state.value();
        Long updated = c == null ? 1L : c + 1;
        state.update(updated);
        return updated;
    }

    @Benchmark
    public Long get() {
        Long key = keyObjects[next];
        next = next + 1 == keys ? 0 : next + 1;
        backend.setCurrentKey(key);
        return state.value();
    }
}
