package io.flowmesh.engine.windowing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.eventtime.WatermarkStrategy;
import io.flowmesh.api.functions.AggregateFunction;
import io.flowmesh.api.functions.Collector;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.source.DataGeneratorSource;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.api.windowing.assigners.EventTimeSessionWindows;
import io.flowmesh.api.windowing.assigners.SlidingEventTimeWindows;
import io.flowmesh.api.windowing.assigners.TumblingEventTimeWindows;
import io.flowmesh.api.windowing.assigners.TumblingProcessingTimeWindows;
import io.flowmesh.api.windowing.functions.ProcessWindowFunction;
import io.flowmesh.api.windowing.windows.TimeWindow;
import io.flowmesh.engine.local.JobExecutionException;
import io.flowmesh.engine.local.LocalExecutor;
import io.flowmesh.engine.testing.CollectSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Event-time windows through whole jobs run in process, against references computed by plain loops. */
class EventTimeWindowsTest implements java.io.Serializable {

    private static StreamExecutionEnvironment env(int parallelism) {
        StreamExecutionEnvironment.setContextExecutor(new LocalExecutor(), Map.of());
        return StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
    }

    /** Emits (key, window start, window end, sum) for a reduced Tuple2(key, value) window. */
    static final class ToResult extends ProcessWindowFunction<Tuple2<Long, Long>, WindowResult, Long, TimeWindow> {
        @Override
        public void process(Long key, Context ctx, Iterable<Tuple2<Long, Long>> elements, Collector<WindowResult> out) {
            long sum = 0;
            for (Tuple2<Long, Long> t : elements) {
                sum += t.f1;
            }
            out.collect(new WindowResult(key, ctx.window().getStart(), ctx.window().getEnd(), sum));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void w2TumblingWindowsGiveTheBenchmarkValues(int parallelism) throws Exception {
        // W2 of BENCHMARKS.md: key = (i*31+7) % 1000, value = i % 1000, ts = i / 10, 1 s tumbling windows, sum per (key, window)
        long n = parallelism == 2 ? 20_000_000 : 2_000_000;
        CollectSink<WindowResult> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(parallelism);
        env.fromSource(new DataGeneratorSource<>(i -> i, n),
                        WatermarkStrategy.<Long>forMonotonousTimestamps().withTimestampAssigner((i, ts) -> i / 10), "W2 generator")
                .map(i -> Tuple2.of((i * 31 + 7) % 1000, i % 1000))
                .keyBy(t -> t.f0)
                .window(TumblingEventTimeWindows.of(Duration.ofSeconds(1)))
                .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1), new ToResult())
                .sinkTo(sink);
        env.execute("W2");

        List<WindowResult> results = sink.results();
        long m = (1L << 61) - 1;
        long sumOfSums = 0;
        long checksum = 0;
        for (WindowResult r : results) {
            sumOfSums += r.value();
            checksum = (checksum + ((r.key() * 1000003 + r.end()) * 31 + r.value()) % m) % m;
        }
        if (n == 20_000_000) {
            // the published expected values (BENCHMARKS.md), independent of this code
            assertThat(results).hasSize(2_000_000);
            assertThat(sumOfSums).isEqualTo(9_990_000_000L);
            assertThat(checksum).isEqualTo(31_031_133_897_000_000L);
        } else {
            Map<List<Long>, Long> expected = new HashMap<>();
            for (long i = 0; i < n; i++) {
                long start = (i / 10) / 1000 * 1000;
                expected.merge(List.of((i * 31 + 7) % 1000, start + 1000), i % 1000, Long::sum);
            }
            long expectedChecksum = 0;
            for (Map.Entry<List<Long>, Long> e : expected.entrySet()) {
                expectedChecksum = (expectedChecksum + ((e.getKey().get(0) * 1000003 + e.getKey().get(1)) * 31 + e.getValue()) % m) % m;
            }
            assertThat(results).hasSize(expected.size());
            assertThat(sumOfSums).isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
            assertThat(checksum).isEqualTo(expectedChecksum);
        }
    }

    /** Out-of-order events whose disorder stays within the bound, so that none is late. */
    private static List<long[]> outOfOrderEvents(int count, long maxDisorder, long seed) {
        Random random = new Random(seed);
        List<long[]> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long ts = i * 7L + random.nextInt((int) maxDisorder) - maxDisorder / 2;
            events.add(new long[] {random.nextInt(5), Math.max(ts, 0), random.nextInt(100)});
        }
        // every event is at most maxDisorder behind the largest timestamp before it
        long max = 0;
        for (long[] e : events) {
            assertThat(max - e[1]).isLessThan(maxDisorder);
            max = Math.max(max, e[1]);
        }
        return events;
    }

    private static List<Tuple2<Long, Long>> asTuples(List<long[]> events) {
        return events.stream().map(e -> Tuple2.of(e[0], e[1] * 1000 + e[2])).toList(); // (key, ts*1000 + value)
    }

    private List<WindowResult> runWindows(List<long[]> events, io.flowmesh.api.windowing.assigners.WindowAssigner<Object, TimeWindow> assigner,
            long maxDisorder) throws Exception {
        CollectSink<WindowResult> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(2);
        env.fromCollection(asTuples(events))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Tuple2<Long, Long>>forBoundedOutOfOrderness(Duration.ofMillis(maxDisorder))
                        .withTimestampAssigner((t, ts) -> t.f1 / 1000).withPunctuatedEmission())
                .map(t -> Tuple2.of(t.f0, t.f1 % 1000))
                .keyBy(t -> t.f0)
                .window(assigner)
                .process(new ToResult())
                .sinkTo(sink);
        env.execute("windows");
        return sink.results();
    }

    private static TreeMap<String, Long> byWindow(List<WindowResult> results) {
        TreeMap<String, Long> m = new TreeMap<>();
        for (WindowResult r : results) {
            Long previous = m.put(r.key() + "@" + r.start() + "-" + r.end(), r.value());
            assertThat(previous).as("window fired twice: " + r).isNull();
        }
        return m;
    }

    @Test
    void tumblingWindowsOverOutOfOrderInputEqualThePlainReference() throws Exception {
        List<long[]> events = outOfOrderEvents(3000, 50, 1);
        TreeMap<String, Long> expected = new TreeMap<>();
        for (long[] e : events) {
            long start = e[1] / 100 * 100;
            expected.merge(e[0] + "@" + start + "-" + (start + 100), e[2], Long::sum);
        }
        assertThat(byWindow(runWindows(events, TumblingEventTimeWindows.of(Duration.ofMillis(100)), 50))).isEqualTo(expected);
    }

    @Test
    void slidingWindowsOverOutOfOrderInputEqualThePlainReference() throws Exception {
        List<long[]> events = outOfOrderEvents(3000, 50, 2);
        TreeMap<String, Long> expected = new TreeMap<>();
        for (long[] e : events) {
            for (long start = e[1] / 25 * 25; start > e[1] - 100; start -= 25) {
                expected.merge(e[0] + "@" + start + "-" + (start + 100), e[2], Long::sum);
            }
        }
        assertThat(byWindow(runWindows(events, SlidingEventTimeWindows.of(Duration.ofMillis(100), Duration.ofMillis(25)), 50)))
                .isEqualTo(expected);
    }

    @Test
    void sessionWindowsOverOutOfOrderInputEqualThePlainReference() throws Exception {
        // sparse events, so that sessions open and close
        Random random = new Random(3);
        List<long[]> events = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 2000; i++) {
            t += random.nextInt(10) == 0 ? 200 : random.nextInt(20);
            events.add(new long[] {random.nextInt(3), t, random.nextInt(100)});
        }
        // swap neighbours to disorder the input by less than the bound
        for (int i = 0; i + 1 < events.size(); i += 3) {
            long[] a = events.get(i);
            events.set(i, events.get(i + 1));
            events.set(i + 1, a);
        }
        long gap = 50;
        TreeMap<String, Long> expected = new TreeMap<>();
        Map<Long, List<long[]>> perKey = new HashMap<>();
        for (long[] e : events) {
            perKey.computeIfAbsent(e[0], k -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<Long, List<long[]>> k : perKey.entrySet()) {
            List<long[]> sorted = new ArrayList<>(k.getValue());
            sorted.sort((a, b) -> Long.compare(a[1], b[1]));
            long start = sorted.get(0)[1];
            long end = start + gap;
            long sum = 0;
            for (long[] e : sorted) {
                if (e[1] > end) { // as Flink's TimeWindow.intersects: touching sessions merge
                    expected.put(k.getKey() + "@" + start + "-" + end, sum);
                    start = e[1];
                    sum = 0;
                }
                end = Math.max(end, e[1] + gap);
                sum += e[2];
            }
            expected.put(k.getKey() + "@" + start + "-" + end, sum);
        }
        assertThat(byWindow(runWindows(events, EventTimeSessionWindows.withGap(Duration.ofMillis(gap)), 300))).isEqualTo(expected);
    }

    @Test
    void lateRecordsWithinTheAllowedLatenessUpdateTheResultAndLaterOnesGoToTheSideOutput() throws Exception {
        OutputTag<Tuple2<Long, Long>> late = new OutputTag<>("late");
        CollectSink<Long> results = new CollectSink<>();
        CollectSink<Tuple2<Long, Long>> lateRecords = new CollectSink<>();
        StreamExecutionEnvironment env = env(1);
        // (key, timestamp): values are the timestamps themselves
        var windowed = env.fromData(Tuple2.of(1L, 1L), Tuple2.of(1L, 5L), Tuple2.of(1L, 12L), Tuple2.of(1L, 3L), Tuple2.of(1L, 20L), Tuple2.of(1L, 4L))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Tuple2<Long, Long>>forMonotonousTimestamps()
                        .withTimestampAssigner((t, ts) -> t.f1).withPunctuatedEmission())
                .keyBy(t -> t.f0)
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(10)))
                .allowedLateness(Duration.ofMillis(5))
                .sideOutputLateData(late)
                .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1));
        windowed.map(t -> t.f1).sinkTo(results);
        windowed.getSideOutput(late).sinkTo(lateRecords);
        env.execute("lateness");
        // [0,10) fires at watermark 11 with 1+5; 3 is late but within 5 ms: fires again with 9;
        // [10,20) fires at watermark 19 with 12; 4 comes after [0,10) was cleaned up: side output;
        // the final watermark fires [20,30) with 20
        assertThat(results.results()).containsExactly(6L, 9L, 12L, 20L);
        assertThat(lateRecords.results()).containsExactly(Tuple2.of(1L, 4L));
    }

    @Test
    void aggregateWindowsUseTheAccumulator() throws Exception {
        CollectSink<Double> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(2);
        env.fromSource(new DataGeneratorSource<>(i -> i, 10_000), WatermarkStrategy.<Long>forMonotonousTimestamps().withTimestampAssigner((i, ts) -> i),
                        "numbers")
                .keyBy(i -> i % 2)
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(1000)))
                .aggregate(new AggregateFunction<Long, long[], Double>() {
                    @Override
                    public long[] createAccumulator() {
                        return new long[2];
                    }

                    @Override
                    public long[] add(Long value, long[] acc) {
                        acc[0] += value;
                        acc[1]++;
                        return acc;
                    }

                    @Override
                    public Double getResult(long[] acc) {
                        return (double) acc[0] / acc[1];
                    }

                    @Override
                    public long[] merge(long[] a, long[] b) {
                        a[0] += b[0];
                        a[1] += b[1];
                        return a;
                    }
                })
                .sinkTo(sink);
        env.execute("averages");
        List<Double> expected = new ArrayList<>();
        for (int w = 0; w < 10; w++) {
            expected.add(avg(w * 1000, 0));
            expected.add(avg(w * 1000, 1));
        }
        assertThat(sink.results()).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static double avg(long start, long parity) {
        long sum = 0;
        long count = 0;
        for (long i = start; i < start + 1000; i++) {
            if (i % 2 == parity) {
                sum += i;
                count++;
            }
        }
        return (double) sum / count;
    }

    @Test
    void processingTimeWindowsCountEveryRecordOnce() throws Exception {
        CollectSink<Tuple2<Long, Long>> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(2);
        env.fromSequence(0, 99_999).map(i -> Tuple2.of(i % 7, 1L))
                .keyBy(t -> t.f0)
                .window(TumblingProcessingTimeWindows.of(Duration.ofMillis(20)))
                .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1))
                .sinkTo(sink);
        env.execute("processing time");
        Map<Long, Long> perKey = new HashMap<>();
        sink.results().forEach(t -> perKey.merge(t.f0, t.f1, Long::sum));
        Map<Long, Long> expected = new HashMap<>();
        for (long i = 0; i < 100_000; i++) {
            expected.merge(i % 7, 1L, Long::sum);
        }
        assertThat(perKey).isEqualTo(expected);
    }

    /** Two splits in one reader: "fast" at ts = i, "slow" at ts = i / 10, interleaved; each monotonous on its own. */
    static final class TwoSplitSource implements io.flowmesh.api.source.Source<Long> {
        @Override
        public io.flowmesh.api.source.SourceReader<Long> createReader(io.flowmesh.api.functions.RuntimeContext context) {
            return new io.flowmesh.api.source.SourceReader<>() {
                private long i;

                @Override
                public io.flowmesh.api.source.InputStatus pollNext(io.flowmesh.api.source.ReaderOutput<Long> output) {
                    var fast = output.createOutputForSplit("fast");
                    var slow = output.createOutputForSplit("slow");
                    for (int n = 0; n < 100 && i < 10_000; n++, i++) {
                        fast.collect(i, i);
                        slow.collect(i / 10, i / 10);
                    }
                    return i < 10_000 ? io.flowmesh.api.source.InputStatus.MORE_AVAILABLE : io.flowmesh.api.source.InputStatus.END_OF_INPUT;
                }
            };
        }
    }

    @Test
    void perSplitWatermarksKeepALaggingSplitFromBeingLate() throws Exception {
        OutputTag<Tuple2<Long, Long>> late = new OutputTag<>("late");
        CollectSink<Tuple2<Long, Long>> counts = new CollectSink<>();
        CollectSink<Tuple2<Long, Long>> lateRecords = new CollectSink<>();
        StreamExecutionEnvironment env = env(1);
        var windows = env.fromSource(new TwoSplitSource(), WatermarkStrategy.<Long>forMonotonousTimestamps().withPunctuatedEmission(), "two splits")
                .map(ts -> Tuple2.of(0L, 1L))
                .keyBy(t -> t.f0)
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(100)))
                .sideOutputLateData(late)
                .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1));
        windows.sinkTo(counts);
        windows.getSideOutput(late).sinkTo(lateRecords);
        env.execute("splits");
        // the watermark follows the slow split (min over splits): no record is late
        assertThat(lateRecords.results()).isEmpty();
        assertThat(counts.results().stream().mapToLong(t -> t.f1).sum()).isEqualTo(20_000);
        assertThat(counts.results()).hasSize(100);
    }

    @Test
    void eventTimeWindowsWithoutTimestampsFailNamingTheProblem() {
        StreamExecutionEnvironment env = env(1);
        env.fromSequence(0, 10).keyBy(i -> i % 2).window(TumblingEventTimeWindows.of(Duration.ofSeconds(1))).reduce(Long::sum).name("Sums")
                .sinkTo(new CollectSink<>());
        assertThatThrownBy(() -> env.execute("no timestamps"))
                .isInstanceOf(JobExecutionException.class)
                .hasMessageContaining("operator 'Sums' failed")
                .hasMessageContaining("has no timestamp");
    }

    private static final java.util.concurrent.atomic.AtomicLong LARGEST_TIMESTAMP_IN_WINDOWS = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong LARGEST_LEAD = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Source subtask 1 is slow (it pauses 1 ms every 50 of its records), subtask 0 is not: without
     * holding back, the window subtasks take all of subtask 0's records long before subtask 1's
     * watermark lets a window fire; with the drift bound, they read subtask 0's channel only while its
     * watermark is at most the bound (plus a buffer in flight) ahead. The lead is measured at each
     * firing: the largest timestamp any window holds minus the watermark that fires. Results stay exact.
     */
    @ParameterizedTest
    @ValueSource(longs = {1000, -1})
    void aWindowSubtaskHoldsBackTheInputWhoseWatermarkRunsAhead(long maxDriftMillis) throws Exception {
        LARGEST_TIMESTAMP_IN_WINDOWS.set(Long.MIN_VALUE);
        LARGEST_LEAD.set(Long.MIN_VALUE);
        long n = 40_000; // ts = i ms: 40 s of event time
        CollectSink<WindowResult> sink = new CollectSink<>();
        StreamExecutionEnvironment.setContextExecutor(new LocalExecutor(new io.flowmesh.engine.task.TaskSettings(4096, 100, 4, maxDriftMillis),
                Map.of()), Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
        env.fromSource(new DataGeneratorSource<>(i -> {
            if (i % 100 == 1) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // subtask 1 generates the odd i
            }
            return i;
        }, n), WatermarkStrategy.<Long>forMonotonousTimestamps().withTimestampAssigner((i, ts) -> i).withPunctuatedEmission(), "skewed")
                .map(i -> Tuple2.of(i % 3, i))
                .keyBy(t -> t.f0)
                .window(TumblingEventTimeWindows.of(Duration.ofSeconds(1)))
                .reduce((a, b) -> {
                    LARGEST_TIMESTAMP_IN_WINDOWS.accumulateAndGet(b.f1, Math::max); // b: the record (a: the sum so far)
                    return Tuple2.of(a.f0, a.f1 + b.f1);
                }, new ProcessWindowFunction<Tuple2<Long, Long>, WindowResult, Long, TimeWindow>() {
                    @Override
                    public void process(Long key, Context ctx, Iterable<Tuple2<Long, Long>> sums, Collector<WindowResult> out) {
                        LARGEST_LEAD.accumulateAndGet(LARGEST_TIMESTAMP_IN_WINDOWS.get() - ctx.currentWatermark(), Math::max);
                        out.collect(new WindowResult(key, ctx.window().getStart(), ctx.window().getEnd(), sums.iterator().next().f1));
                    }
                })
                .sinkTo(sink);
        env.execute("skewed inputs");

        TreeMap<String, Long> expected = new TreeMap<>();
        for (long i = 0; i < n; i++) {
            long start = i / 1000 * 1000;
            expected.merge((i % 3) + "@" + start + "-" + (start + 1000), i, Long::sum);
        }
        assertThat(byWindow(sink.results())).isEqualTo(expected);
        System.out.println("max watermark drift " + maxDriftMillis + " ms: largest lead " + LARGEST_LEAD.get() + " ms");
        if (maxDriftMillis >= 0) {
            // 1 s bound + a 4 KiB buffer (~150 records, 0.3 s) in flight; margin for a loaded machine
            assertThat(LARGEST_LEAD.get()).as("largest lead of a window's timestamps over the firing watermark").isLessThan(6_000);
        } else {
            assertThat(LARGEST_LEAD.get()).as("largest lead without holding back").isGreaterThan(15_000);
        }
    }
}
