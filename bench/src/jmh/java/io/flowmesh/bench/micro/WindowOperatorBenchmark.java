package io.flowmesh.bench.micro;

import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.functions.ReduceFunction;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.api.windowing.WindowSpec;
import io.flowmesh.api.windowing.assigners.TumblingEventTimeWindows;
import io.flowmesh.engine.graph.OperatorSpec;
import io.flowmesh.engine.operators.OperatorContext;
import io.flowmesh.engine.operators.Operators;
import io.flowmesh.engine.operators.Output;
import io.flowmesh.engine.operators.StreamOperator;
import io.flowmesh.engine.task.TaskRuntimeContext;
import io.flowmesh.engine.time.ProcessingTimeService;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The window operator alone, as W2 drives it on one subtask: (key, value) records of the generator
 * with timestamps {@code i/10}, 1 s tumbling event-time windows reducing the sum, a watermark every
 * 1000 records (the punctuated worst case; the periodic default sends far fewer), results counted.
 * Records/s of the operator, without exchange or serialization.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WindowOperatorBenchmark {
    static final int BATCH = 100_000;

    private StreamOperator operator;
    private long next;
    private long results;

    @Setup
    public void setUp() throws Exception {
        operator = w2WindowOperator(new Output() {
            @Override
            public void emit(Object value, long timestamp) {
                results++;
            }

            @Override
            public void emitWatermark(long watermark) {}

            @Override
            public void emitSide(OutputTag<?> tag, Object value, long timestamp) {}

            @Override
            public void emitStatus(boolean idle) {}
        });
    }

    /** W2's window operator on subtask 0 of 1 (max parallelism 128), opened: 1 s tumbling event-time windows summing the value per key. */
    static StreamOperator w2WindowOperator(Output output) throws Exception {
        ReduceFunction<Tuple2<Long, Long>> sum = (a, b) -> Tuple2.of(a.f0, a.f1 + b.f1);
        WindowSpec spec = new WindowSpec(TumblingEventTimeWindows.of(Duration.ofSeconds(1)), sum, null, null, 0, null);
        io.flowmesh.api.functions.KeySelector<Tuple2<Long, Long>, Long> key = t -> t.f0;
        OperatorSpec op = new OperatorSpec("window", "window", OperatorSpec.Kind.WINDOW, spec, key, null, null);
        OperatorContext context = new OperatorContext(new TaskRuntimeContext("job", "window (1/1)", 0, 1, 128, 0, Map.of()), new ProcessingTimeService());
        StreamOperator operator = Operators.create(op, context, output);
        operator.open();
        return operator;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long records() {
        for (int k = 0; k < BATCH; k++) {
            long i = next++;
            operator.processElement(Tuple2.of((i * 31 + 7) % 1000, i % 1000), i / 10);
            if (i % 1000 == 999) {
                operator.processWatermark(i / 10 - 1);
            }
        }
        return results;
    }
}
