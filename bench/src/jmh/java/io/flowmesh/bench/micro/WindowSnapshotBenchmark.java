package io.flowmesh.bench.micro;

import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.engine.checkpoint.StateFileFormat;
import io.flowmesh.engine.operators.Output;
import io.flowmesh.engine.operators.StreamOperator;
import io.flowmesh.engine.serialization.DynamicSerializer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The synchronous part of a W2 checkpoint on one window subtask: the window operator's keyed state
 * (window contents and event-time timers of {@code keys} keys × {@code windows} open 1 s windows)
 * written into a state file, as the chain does at the barrier. Time per snapshot; the file's size is
 * printed after each trial.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WindowSnapshotBenchmark {
    @Param({"500"})
    int keys;

    @Param({"4"})
    int windows;

    private StreamOperator operator;
    private final DynamicSerializer serializer = new DynamicSerializer(WindowSnapshotBenchmark.class.getClassLoader());

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        operator = WindowOperatorBenchmark.w2WindowOperator(Output.DISCARDING);
        for (int w = 0; w < windows; w++) {
            for (long k = 0; k < keys; k++) {
                operator.processElement(Tuple2.of(k, k + w), w * 1000L + 1); // no watermark: every window stays open
            }
        }
    }

    @Benchmark
    public byte[] snapshot() {
        StateFileFormat.Writer w = new StateFileFormat.Writer(serializer, 128);
        operator.keyedStateBackend().snapshot(w);
        return w.toBytes();
    }

    @TearDown(Level.Trial)
    public void printFileSize() {
        System.out.printf("%nstate file of %d keys x %d windows: %d bytes%n", keys, windows, snapshot().length);
    }
}
