package io.flowmesh.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.eventtime.WatermarkStrategy;
import io.flowmesh.api.functions.Collector;
import io.flowmesh.api.functions.KeyedProcessFunction;
import io.flowmesh.api.functions.MapFunction;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.functions.ProcessFunction;
import io.flowmesh.api.functions.RichFunction;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.state.ListState;
import io.flowmesh.api.state.ListStateDescriptor;
import io.flowmesh.api.state.MapState;
import io.flowmesh.api.state.MapStateDescriptor;
import io.flowmesh.api.state.ReducingStateDescriptor;
import io.flowmesh.api.state.StateTtlConfig;
import io.flowmesh.api.state.ValueState;
import io.flowmesh.api.state.ValueStateDescriptor;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.engine.local.JobExecutionException;
import io.flowmesh.engine.local.LocalExecutor;
import io.flowmesh.engine.testing.CollectSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyedProcessAndStateTest implements java.io.Serializable {

    private static StreamExecutionEnvironment env(int parallelism) {
        StreamExecutionEnvironment.setContextExecutor(new LocalExecutor(), Map.of());
        return StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
    }

    /** Counts per key in value state, remembers values in list state, and reports at an event-time timer 10 ms after the first record. */
    static final class CountWithTimer extends KeyedProcessFunction<Long, Tuple2<Long, Long>, String> {
        static final OutputTag<Long> ODD = new OutputTag<>("odd");
        private transient ValueState<Long> count;
        private transient ListState<Long> values;

        @Override
        public void open(RuntimeContext context) throws Exception {
            super.open(context);
            count = context.getState(new ValueStateDescriptor<>("count"));
            values = context.getListState(new ListStateDescriptor<>("values"));
        }

        @Override
        public void processElement(Tuple2<Long, Long> value, Context ctx, Collector<String> out) {
            Long c = count.value();
            if (c == null) {
                ctx.timerService().registerEventTimeTimer(ctx.timestamp() + 10);
                c = 0L;
            }
            count.update(c + 1);
            values.add(value.f1);
            if (value.f1 % 2 == 1) {
                ctx.output(ODD, value.f1);
            }
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
            out.collect("key " + ctx.getCurrentKey() + " at " + timestamp + ": count " + count.value() + " values " + values.get());
            count.clear();
            values.clear();
        }
    }

    @Test
    void keyedStateTimersAndSideOutputsWorkPerKey() throws Exception {
        CollectSink<String> reports = new CollectSink<>();
        CollectSink<Long> odd = new CollectSink<>();
        StreamExecutionEnvironment env = env(1);
        // (key, timestamp = value)
        var processed = env.fromData(Tuple2.of(1L, 0L), Tuple2.of(2L, 1L), Tuple2.of(1L, 3L), Tuple2.of(1L, 12L), Tuple2.of(2L, 15L), Tuple2.of(1L, 40L))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Tuple2<Long, Long>>forMonotonousTimestamps()
                        .withTimestampAssigner((t, ts) -> t.f1).withPunctuatedEmission())
                .keyBy(t -> t.f0)
                .process(new CountWithTimer());
        processed.sinkTo(reports);
        processed.getSideOutput(CountWithTimer.ODD).sinkTo(odd);
        env.execute("keyed process");
        // as in Flink, a record goes downstream before the watermark it advances: record 12 is counted
        // before watermark 11 fires key 1's timer at 10 (so it registers no timer of its own)
        assertThat(reports.results()).containsExactly(
                "key 1 at 10: count 3 values [0, 3, 12]",
                "key 2 at 11: count 1 values [1]",
                "key 2 at 25: count 1 values [15]",       // fired by watermark 39 (record 40)
                "key 1 at 50: count 1 values [40]");      // fired by the final watermark
        assertThat(odd.results()).containsExactly(1L, 3L, 15L);
    }

    @Test
    void keyedStateIsSeparatePerKeyAcrossSubtasks() throws Exception {
        CollectSink<Tuple2<Long, Long>> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(3);
        env.fromSequence(0, 29_999).map(i -> Tuple2.of(i % 100, i))
                .keyBy(t -> t.f0)
                .process(new KeyedProcessFunction<Long, Tuple2<Long, Long>, Tuple2<Long, Long>>() {
                    private transient MapState<String, Long> seen;

                    @Override
                    public void open(RuntimeContext context) throws Exception {
                        super.open(context);
                        seen = context.getMapState(new MapStateDescriptor<>("seen"));
                    }

                    @Override
                    public void processElement(Tuple2<Long, Long> value, Context ctx, Collector<Tuple2<Long, Long>> out) {
                        Long n = seen.get("n");
                        seen.put("n", n == null ? 1 : n + 1);
                        if (n != null && n + 1 == 300) {
                            out.collect(Tuple2.of(ctx.getCurrentKey(), n + 1));
                        }
                    }
                })
                .sinkTo(sink);
        env.execute("per key");
        List<Tuple2<Long, Long>> expected = new ArrayList<>();
        for (long k = 0; k < 100; k++) {
            expected.add(Tuple2.of(k, 300L));
        }
        assertThat(sink.results()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void keyedStateOnANonKeyedStreamIsRefusedWithAClearMessage() {
        StreamExecutionEnvironment env = env(1);
        env.fromSequence(0, 3).map(new StatefulMap()).name("Stateful map").sinkTo(new CollectSink<>());
        assertThatThrownBy(() -> env.execute("no keyBy"))
                .isInstanceOf(JobExecutionException.class)
                .hasMessageContaining("operator 'Stateful map' failed")
                .hasMessageContaining("keyed state ('count') is only available on a keyed stream (after keyBy)");
    }

    static final class StatefulMap implements MapFunction<Long, Long>, RichFunction {
        @Override
        public void open(RuntimeContext context) {
            context.getState(new ValueStateDescriptor<Long>("count"));
        }

        @Override
        public Long map(Long value) {
            return value;
        }
    }

    @Test
    void unionAndSideOutputsCrossTheExchange() throws Exception {
        OutputTag<Long> negatives = new OutputTag<>("negatives");
        CollectSink<Long> main = new CollectSink<>();
        CollectSink<Long> side = new CollectSink<>();
        StreamExecutionEnvironment env = env(2);
        var split = env.fromSequence(0, 999).union(env.fromSequence(-500, -1))
                .rebalance()
                .process(new ProcessFunction<Long, Long>() {
                    @Override
                    public void processElement(Long value, Context ctx, Collector<Long> out) {
                        if (value < 0) {
                            ctx.output(negatives, value);
                        } else {
                            out.collect(value * 10);
                        }
                    }
                }).setParallelism(3);
        split.sinkTo(main);
        split.getSideOutput(negatives).map(v -> -v).setParallelism(2).sinkTo(side);
        env.execute("union and side outputs");
        List<Long> expectedMain = new ArrayList<>();
        for (long i = 0; i < 1000; i++) {
            expectedMain.add(i * 10);
        }
        List<Long> expectedSide = new ArrayList<>();
        for (long i = 1; i <= 500; i++) {
            expectedSide.add(i);
        }
        assertThat(main.results()).containsExactlyInAnyOrderElementsOf(expectedMain);
        assertThat(side.results()).containsExactlyInAnyOrderElementsOf(expectedSide);
    }

    @Test
    void stateWithATimeToLiveExpires() {
        AtomicLong now = new AtomicLong(1000);
        HeapKeyedStateBackend backend = new HeapKeyedStateBackend(now::get);
        ValueStateDescriptor<String> d = new ValueStateDescriptor<>("v");
        d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(100)).build());
        ValueState<String> v = backend.getState(d);
        backend.setCurrentKey("a");
        v.update("x");
        now.set(1099);
        assertThat(v.value()).isEqualTo("x");
        now.set(1100);
        assertThat(v.value()).isNull();
        assertThat(backend.numberOfKeys()).isZero();

        ValueStateDescriptor<String> r = new ValueStateDescriptor<>("r");
        r.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(100)).setUpdateType(StateTtlConfig.UpdateType.OnReadAndWrite).build());
        ValueState<String> refreshed = backend.getState(r);
        refreshed.update("y");
        now.set(1190);
        assertThat(refreshed.value()).isEqualTo("y");
        now.set(1280);
        assertThat(refreshed.value()).as("reads refresh the TTL").isEqualTo("y");
    }

    @Test
    void reducingAndAggregatingStateCombineValues() {
        HeapKeyedStateBackend backend = new HeapKeyedStateBackend(System::currentTimeMillis);
        var sum = backend.getReducingState(new ReducingStateDescriptor<Long>("sum", Long::sum));
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            String key = "k" + (i % 3);
            backend.setCurrentKey(key);
            sum.add((long) i);
            expected.merge(key, (long) i, Long::sum);
        }
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            backend.setCurrentKey(e.getKey());
            assertThat(sum.get()).isEqualTo(e.getValue());
        }
        assertThatThrownBy(() -> backend.getState(new ValueStateDescriptor<Long>("sum")))
                .hasMessageContaining("state 'sum' was already registered as another kind of state");
    }
}
