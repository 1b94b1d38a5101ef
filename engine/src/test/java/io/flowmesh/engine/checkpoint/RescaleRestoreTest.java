package io.flowmesh.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.functions.Collector;
import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.functions.KeyedProcessFunction;
import io.flowmesh.api.functions.ReduceFunction;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.state.ValueState;
import io.flowmesh.api.state.ValueStateDescriptor;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.api.windowing.WindowSpec;
import io.flowmesh.api.windowing.assigners.TumblingEventTimeWindows;
import io.flowmesh.engine.exchange.KeyGroupRangeAssignment;
import io.flowmesh.engine.graph.ChainSpec;
import io.flowmesh.engine.graph.OperatorSpec;
import io.flowmesh.engine.testing.MemoryStateStorage;
import io.flowmesh.engine.testing.OperatorChainHarness;
import io.flowmesh.proto.OperatorState;
import io.flowmesh.proto.OperatorSubtaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Keyed state, timers and window contents survive a checkpoint and a restore at another
 * parallelism: the records of the first half go to the subtasks of the first run, the state is
 * snapshotted, a second run with another parallelism restores it by key group and takes the
 * second half. The result must equal what a plain loop over all records computes.
 */
class RescaleRestoreTest {
    private static final int MAX_PARALLELISM = 128;
    private static final int RECORDS = 2_000;
    private static final int KEYS = 97;

    static String key(int i) {
        return "k" + ((i * 31 + 7) % KEYS);
    }

    static final class SumReduce implements ReduceFunction<Tuple2<String, Long>> {
        @Override
        public Tuple2<String, Long> reduce(Tuple2<String, Long> a, Tuple2<String, Long> b) {
            return Tuple2.of(a.f0, a.f1 + b.f1);
        }
    }

    /** Counts per key in a value state; at the end of input (event-time timer at Long.MAX_VALUE - 1) emits the count. */
    static final class CountUntilEnd extends KeyedProcessFunction<String, Tuple2<String, Long>, String> {
        private transient ValueState<Long> count;

        @Override
        public void open(RuntimeContext context) throws Exception {
            super.open(context);
            count = context.getState(new ValueStateDescriptor<>("count"));
        }

        @Override
        public void processElement(Tuple2<String, Long> value, Context ctx, Collector<String> out) {
            if (count.value() == null) {
                ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE - 1);
            }
            count.update((count.value() == null ? 0 : count.value()) + 1);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
            out.collect(ctx.getCurrentKey() + "=" + count.value());
        }
    }

    private static final KeySelector<Tuple2<String, Long>, String> BY_KEY = t -> t.f0;

    private static ChainSpec chain(OperatorSpec.Kind kind, io.flowmesh.api.functions.Function fn) {
        return new ChainSpec(List.of(new OperatorSpec("op-1", kind.name(), kind, fn, BY_KEY, null, null)));
    }

    private static List<OperatorChainHarness> subtasks(ChainSpec spec, int parallelism, List<OperatorState> restored, MemoryStateStorage storage)
            throws Exception {
        List<OperatorChainHarness> result = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            result.add(new OperatorChainHarness(spec, Map.of(), i, parallelism, MAX_PARALLELISM, restored, storage));
        }
        return result;
    }

    private static OperatorChainHarness route(List<OperatorChainHarness> subtasks, String key) {
        return subtasks.get(KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_PARALLELISM, subtasks.size()));
    }

    /** Checkpoint 1 of every subtask, as the coordinator's metadata lists it. */
    private static List<OperatorState> checkpoint(List<OperatorChainHarness> subtasks, MemoryStateStorage storage) throws Exception {
        List<OperatorSubtaskState> handles = new ArrayList<>();
        for (OperatorChainHarness h : subtasks) {
            handles.addAll(h.snapshot(1, "mem://chk-1", storage));
        }
        return OperatorChainHarness.operatorStates(handles, subtasks.size(), MAX_PARALLELISM);
    }

    @ParameterizedTest(name = "{0} -> {1} subtasks")
    @CsvSource({"2, 3", "3, 1", "1, 2", "2, 2"})
    void keyedReduceContinuesTheRunningSumsAfterRescale(int before, int after) throws Exception {
        ChainSpec spec = chain(OperatorSpec.Kind.KEYED_REDUCE, new SumReduce());
        MemoryStateStorage storage = new MemoryStateStorage();
        List<Object> output = new ArrayList<>();
        List<OperatorChainHarness> first = subtasks(spec, before, List.of(), storage);
        for (int i = 0; i < RECORDS / 2; i++) {
            route(first, key(i)).processElement(Tuple2.of(key(i), (long) i));
        }
        first.forEach(h -> output.addAll(h.records()));
        List<OperatorState> state = checkpoint(first, storage);
        for (OperatorChainHarness h : first) {
            h.close();
        }
        List<OperatorChainHarness> second = subtasks(spec, after, state, storage);
        for (int i = RECORDS / 2; i < RECORDS; i++) {
            route(second, key(i)).processElement(Tuple2.of(key(i), (long) i));
        }
        second.forEach(h -> output.addAll(h.records()));

        // a plain loop: the running sum per key after each record
        Map<String, Long> sums = new HashMap<>();
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            long s = sums.merge(key(i), (long) i, Long::sum);
            expected.add(Tuple2.of(key(i), s));
        }
        assertThat(output).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "{0} -> {1} subtasks")
    @CsvSource({"2, 3", "3, 1"})
    void valueStateAndEventTimeTimersSurviveRescale(int before, int after) throws Exception {
        ChainSpec spec = chain(OperatorSpec.Kind.KEYED_PROCESS, new CountUntilEnd());
        MemoryStateStorage storage = new MemoryStateStorage();
        List<OperatorChainHarness> first = subtasks(spec, before, List.of(), storage);
        // keys 0..KEYS-1 appear in the first half; some keys only in the second half would register their timer then
        for (int i = 0; i < RECORDS / 2; i++) {
            route(first, key(i)).processElement(Tuple2.of(key(i), 1L), i);
        }
        List<OperatorState> state = checkpoint(first, storage);
        first.forEach(h -> assertThat(h.records()).isEmpty());
        List<OperatorChainHarness> second = subtasks(spec, after, state, storage);
        for (int i = RECORDS / 2; i < RECORDS; i++) {
            route(second, key(i)).processElement(Tuple2.of(key(i), 1L), i);
        }
        List<Object> output = new ArrayList<>();
        for (OperatorChainHarness h : second) {
            h.endInput();
            output.addAll(h.records());
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < RECORDS; i++) {
            counts.merge(key(i), 1, Integer::sum);
        }
        List<Object> expected = new ArrayList<>();
        counts.forEach((k, c) -> expected.add(k + "=" + c));
        assertThat(output).as("one timer per key, restored from the checkpoint, firing once with the full count")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void eventTimeWindowContentsSurviveRescale() throws Exception {
        WindowSpec window = new WindowSpec(TumblingEventTimeWindows.of(Duration.ofMillis(100)), new SumReduce(), null, null, 0, null);
        ChainSpec spec = chain(OperatorSpec.Kind.WINDOW, window);
        MemoryStateStorage storage = new MemoryStateStorage();
        List<OperatorChainHarness> first = subtasks(spec, 2, List.of(), storage);
        // timestamps i, so windows [0,100), [100,200), ...: the checkpoint cuts through open windows
        for (int i = 0; i < RECORDS / 2 + 50; i++) {
            route(first, key(i)).processElement(Tuple2.of(key(i), (long) i), i);
        }
        for (OperatorChainHarness h : first) {
            h.processWatermark(RECORDS / 2 - 1); // fires the windows that end at or before 1000
        }
        List<Object> output = new ArrayList<>();
        first.forEach(h -> output.addAll(h.records()));
        List<OperatorState> state = checkpoint(first, storage);
        List<OperatorChainHarness> second = subtasks(spec, 3, state, storage);
        for (int i = RECORDS / 2 + 50; i < RECORDS; i++) {
            route(second, key(i)).processElement(Tuple2.of(key(i), (long) i), i);
        }
        for (OperatorChainHarness h : second) {
            h.endInput();
            output.addAll(h.records());
        }
        Map<String, Long> sums = new HashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            sums.merge(key(i) + "@" + (i / 100), (long) i, Long::sum);
        }
        List<Object> expected = new ArrayList<>();
        sums.forEach((k, s) -> expected.add(Tuple2.of(k.substring(0, k.indexOf('@')), s)));
        assertThat(output).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aChangedMaxParallelismIsRefusedWithTheOperatorNamed() throws Exception {
        ChainSpec spec = chain(OperatorSpec.Kind.KEYED_REDUCE, new SumReduce());
        MemoryStateStorage storage = new MemoryStateStorage();
        List<OperatorChainHarness> first = subtasks(spec, 1, List.of(), storage);
        first.get(0).processElement(Tuple2.of("a", 1L));
        List<OperatorState> state = checkpoint(first, storage);
        assertThatThrownBy(() -> new OperatorChainHarness(spec, Map.of(), 0, 1, 256, state, storage))
                .hasMessageContaining("op-1").hasMessageContaining("max parallelism 128").hasMessageContaining("now has 256");
    }
}
