package io.flowmesh.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.functions.FlatMapFunction;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.source.InputStatus;
import io.flowmesh.api.source.ReaderOutput;
import io.flowmesh.api.source.Source;
import io.flowmesh.api.source.SourceReader;
import io.flowmesh.engine.graph.ChainSpec;
import io.flowmesh.engine.graph.OperatorSpec;
import io.flowmesh.engine.local.LocalExecutor;
import io.flowmesh.engine.task.TaskSettings;
import io.flowmesh.engine.testing.CollectSink;
import io.flowmesh.engine.testing.OperatorChainHarness;
import io.flowmesh.api.functions.FilterFunction;
import io.flowmesh.api.functions.MapFunction;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** The engine's metrics: exact record counts and watermarks per operator and subtask, and the idle/backpressured/busy time split. */
class TaskMetricsTest {

    /** What a listener saw when a subtask ended: its group, with the rates over the subtask's whole run. */
    private static final class Recorder implements TaskMetricsListener {
        final Queue<TaskMetricGroup> ended = new ConcurrentLinkedQueue<>();

        @Override
        public void taskStarted(TaskMetricGroup group) {
            group.updateRates(System.nanoTime());
        }

        @Override
        public void taskEnded(TaskMetricGroup group) {
            group.updateRates(System.nanoTime());
            ended.add(group);
        }

        List<TaskMetricGroup> byTask(String vertexNamePrefix) {
            return ended.stream().filter(g -> g.taskName().contains(vertexNamePrefix)).toList();
        }

        long sum(String operatorName, boolean in) {
            return ended.stream().flatMap(g -> g.operators().stream()).filter(o -> o.operatorName().equals(operatorName))
                    .mapToLong(o -> in ? o.numRecordsIn() : o.numRecordsOut()).sum();
        }
    }

    @Test
    void chainCountsRecordsAndWatermarksPerOperator() throws Exception {
        ChainSpec spec = new ChainSpec(List.of(
                new OperatorSpec("m", "double", OperatorSpec.Kind.MAP, (MapFunction<Long, Long>) x -> x * 2, null, null, null),
                new OperatorSpec("f", "not divisible by 3", OperatorSpec.Kind.FILTER, (FilterFunction<Long>) x -> x % 3 != 0, null, null, null),
                new OperatorSpec("fm", "twice", OperatorSpec.Kind.FLAT_MAP, (FlatMapFunction<Long, Long>) (x, out) -> {
                    out.collect(x);
                    out.collect(x + 1);
                }, null, null, null)));
        long kept = 0;
        for (long i = 0; i < 10; i++) {
            if ((i * 2) % 3 != 0) {
                kept++;
            }
        }
        try (OperatorChainHarness h = new OperatorChainHarness(spec, Map.of())) {
            List<OperatorMetricGroup> ops = h.metrics().operators();
            assertThat(ops).extracting(OperatorMetricGroup::operatorName).containsExactly("double", "not divisible by 3", "twice");
            assertThat(ops.get(0).currentInputWatermark()).isEqualTo(Long.MIN_VALUE);
            assertThat(ops.get(2).currentOutputWatermark()).isEqualTo(Long.MIN_VALUE);
            for (long i = 0; i < 10; i++) {
                h.processElement(i);
                if (i == 4) {
                    h.processWatermark(5);
                }
            }
            h.processWatermark(7);

            assertThat(ops.get(0).numRecordsIn()).isEqualTo(10);
            assertThat(ops.get(0).numRecordsOut()).isEqualTo(10);
            assertThat(ops.get(1).numRecordsIn()).isEqualTo(10);
            assertThat(ops.get(1).numRecordsOut()).isEqualTo(kept);
            assertThat(ops.get(2).numRecordsIn()).isEqualTo(kept);
            assertThat(ops.get(2).numRecordsOut()).isEqualTo(2 * kept);
            assertThat(h.records()).hasSize((int) (2 * kept));
            assertThat(h.metrics().numRecordsIn()).isEqualTo(10);
            assertThat(h.metrics().numRecordsOut()).isEqualTo(2 * kept);
            for (OperatorMetricGroup op : ops) {
                assertThat(op.currentInputWatermark()).as(op.operatorName()).isEqualTo(7);
                assertThat(op.currentOutputWatermark()).as(op.operatorName()).isEqualTo(7);
            }
        }
    }

    @Test
    void subtasksReportExactCountsAcrossAKeyedExchange() throws Exception {
        Recorder recorder = new Recorder();
        StreamExecutionEnvironment.setContextExecutor(new LocalExecutor().withMetrics(recorder), Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
        CollectSink<Long> sink = new CollectSink<>();
        env.fromSequence(0, 9_999).name("numbers").map(x -> x * 3).name("triple")
                .keyBy(x -> x % 7).filter(x -> x % 2 == 0).name("evens")
                .sinkTo(sink).name("collect");
        env.execute("metrics");
        long evens = 0;
        for (long i = 0; i < 10_000; i++) {
            if ((i * 3) % 2 == 0) {
                evens++;
            }
        }
        assertThat(recorder.ended).hasSize(4);
        assertThat(recorder.sum("numbers", true)).isEqualTo(10_000);
        assertThat(recorder.sum("numbers", false)).isEqualTo(10_000);
        assertThat(recorder.sum("triple", true)).isEqualTo(10_000);
        assertThat(recorder.sum("triple", false)).isEqualTo(10_000);
        assertThat(recorder.sum("evens", true)).isEqualTo(10_000);
        assertThat(recorder.sum("evens", false)).isEqualTo(evens);
        assertThat(recorder.sum("collect", true)).isEqualTo(evens);
        assertThat(recorder.sum("collect", false)).isZero();
        assertThat(sink.results()).hasSize((int) evens);
        // chain level: the source chain's records in are its source's, the sink chain's records out its tail's (none)
        for (TaskMetricGroup g : recorder.ended) {
            assertThat(g.jobName()).isEqualTo("metrics");
            assertThat(g.taskId()).matches("[0-9a-f]{32}");
            assertThat(g.numRecordsIn()).isEqualTo(g.operators().get(0).numRecordsIn());
            assertThat(g.numRecordsOut()).isEqualTo(g.operators().get(g.operators().size() - 1).numRecordsOut());
            // the final watermark reached every operator (a sink emits none)
            for (OperatorMetricGroup op : g.operators()) {
                if (!op.operatorName().equals("numbers")) { // a source has no input
                    assertThat(op.currentInputWatermark()).as(op.operatorName()).isEqualTo(Long.MAX_VALUE);
                }
                if (!op.operatorName().equals("collect")) {
                    assertThat(op.currentOutputWatermark()).as(op.operatorName()).isEqualTo(Long.MAX_VALUE);
                }
            }
        }
        assertThat(recorder.ended.stream().mapToLong(TaskMetricGroup::numRecordsIn).sum()).isEqualTo(10_000 + 10_000);
    }

    @Test
    void aProducerWaitingForItsSlowConsumerIsBackpressured() throws Exception {
        Recorder recorder = new Recorder();
        // 64-byte buffers and 4 per queue: the producer's queue is full after a few dozen records
        StreamExecutionEnvironment.setContextExecutor(new LocalExecutor(new TaskSettings(64, 100, 8), Map.of()).withMetrics(recorder), Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(1);
        env.fromSequence(0, 399).name("fast").rebalance().map(x -> {
            Thread.sleep(2);
            return x;
        }).name("slow").sinkTo(new CollectSink<>()).name("sink");
        env.execute("backpressure");

        TaskMetricGroup producer = recorder.byTask("fast").get(0);
        TaskMetricGroup consumer = recorder.byTask("slow").get(0);
        // the producer runs ~0.8 s (400 records x 2 ms downstream) and works a few ms of it
        assertThat(producer.backPressuredTimeMsPerSecond()).isGreaterThan(300);
        assertThat(producer.idleTimeMsPerSecond()).isLessThan(200);
        assertThat(consumer.busyTimeMsPerSecond()).isGreaterThan(500);
        assertThat(consumer.backPressuredTimeMsPerSecond()).isLessThan(100);
        for (TaskMetricGroup g : List.of(producer, consumer)) {
            assertThat(g.busyTimeMsPerSecond() + g.idleTimeMsPerSecond() + g.backPressuredTimeMsPerSecond()).isCloseTo(1000, org.assertj.core.data.Offset.offset(0.001));
        }
    }

    /** Nothing for {@code quietMillis} after its first poll, then {@code records} records. */
    record LateSource(long quietMillis, int records) implements Source<Long> {
        @Override
        public SourceReader<Long> createReader(RuntimeContext context) {
            return new SourceReader<>() {
                long start;
                int emitted;

                @Override
                public InputStatus pollNext(ReaderOutput<Long> output) {
                    if (start == 0) {
                        start = System.nanoTime();
                    }
                    if (System.nanoTime() - start < quietMillis * 1_000_000) {
                        return InputStatus.NOTHING_AVAILABLE;
                    }
                    if (emitted == records) {
                        return InputStatus.END_OF_INPUT;
                    }
                    output.collect((long) emitted++);
                    return InputStatus.MORE_AVAILABLE;
                }
            };
        }
    }

    @Test
    void subtasksWaitingForInputAreIdle() throws Exception {
        Recorder recorder = new Recorder();
        StreamExecutionEnvironment.setContextExecutor(new LocalExecutor().withMetrics(recorder), Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(1);
        env.fromSource(new LateSource(800, 10), "late").rebalance().map(x -> x + 1).name("plus one").sinkTo(new CollectSink<>()).name("sink");
        env.execute("idle");

        TaskMetricGroup source = recorder.byTask("late").get(0);
        TaskMetricGroup downstream = recorder.byTask("plus one").get(0);
        assertThat(source.idleTimeMsPerSecond()).isGreaterThan(500);
        assertThat(downstream.idleTimeMsPerSecond()).isGreaterThan(500);
        assertThat(downstream.backPressuredTimeMsPerSecond()).isLessThan(100);
        assertThat(downstream.operators().get(0).numRecordsIn()).isEqualTo(10);
        assertThat(source.inPoolUsage()).isZero();
    }
}
