package io.flowmesh.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.api.environment.CheckpointingMode;
import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.functions.MapFunction;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.sink.Sink;
import io.flowmesh.api.sink.SinkWriter;
import io.flowmesh.api.source.DataGeneratorSource;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.engine.local.LocalExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checkpoints and a restart inside one JVM: a rate-limited generator → keyBy → running count →
 * a two-phase-commit test sink. One subtask throws once mid-run; the job restarts from the latest
 * completed checkpoint. In exactly-once mode the committed output holds every (key, count) exactly
 * once; in at-least-once mode every one at least once (counts may run past the true ones).
 */
class LocalExactlyOnceTest {
    private static final int N = 12_000;
    private static final int KEYS = 10;
    /** Committed records per test run, by run id (the sink is serialized to the subtasks). */
    static final Map<String, List<Tuple2<Long, Long>>> COMMITTED = new ConcurrentHashMap<>();
    static final Map<String, Set<String>> COMMITTED_IDS = new ConcurrentHashMap<>();
    static final Map<String, AtomicBoolean> FAILED = new ConcurrentHashMap<>();
    /** Records a sink subtask had not pre-committed at any checkpoint when its input ended, by run id. */
    static final Map<String, java.util.concurrent.atomic.AtomicLong> AT_END = new ConcurrentHashMap<>();

    @AfterEach
    void clear() {
        StreamExecutionEnvironment.clearContextExecutor();
    }

    /** What a sink subtask pre-committed at a checkpoint. */
    public record Committable(int subtask, long checkpointId, List<Tuple2<Long, Long>> records) {}

    /** Buffers records per checkpoint; commits them on completion; re-commits restored committables once. */
    static final class TwoPhaseSink implements Sink<Tuple2<Long, Long>> {
        private final String run;

        TwoPhaseSink(String run) {
            this.run = run;
        }

        @Override
        public SinkWriter<Tuple2<Long, Long>> createWriter(RuntimeContext context) {
            return new Writer(run, context.subtaskIndex());
        }

        @Override
        public SinkWriter<Tuple2<Long, Long>> restoreWriter(RuntimeContext context, List<Object> restored) {
            Writer w = new Writer(run, context.subtaskIndex());
            for (Object o : restored) {
                Committable c = (Committable) o;
                if (c.subtask() % context.parallelism() == context.subtaskIndex()) {
                    w.commit(c);
                }
            }
            return w;
        }

        static final class Writer implements SinkWriter<Tuple2<Long, Long>> {
            private final String run;
            private final int subtask;
            private List<Tuple2<Long, Long>> current = new ArrayList<>();
            private final List<Committable> pending = new ArrayList<>();

            Writer(String run, int subtask) {
                this.run = run;
                this.subtask = subtask;
            }

            @Override
            public void write(Tuple2<Long, Long> element) {
                current.add(element);
            }

            @Override
            public List<Object> snapshotState(long checkpointId) {
                pending.add(new Committable(subtask, checkpointId, current));
                current = new ArrayList<>();
                return List.copyOf(pending);
            }

            @Override
            public void notifyCheckpointComplete(long checkpointId) {
                pending.removeIf(c -> {
                    if (c.checkpointId() <= checkpointId) {
                        commit(c);
                        return true;
                    }
                    return false;
                });
            }

            @Override
            public void flush(boolean endOfInput) {
                if (endOfInput) {
                    AT_END.computeIfAbsent(run, r -> new java.util.concurrent.atomic.AtomicLong()).addAndGet(current.size());
                    pending.forEach(this::commit);
                    pending.clear();
                    commit(new Committable(subtask, Long.MAX_VALUE, current));
                }
            }

            void commit(Committable c) {
                if (COMMITTED_IDS.computeIfAbsent(run, r -> ConcurrentHashMap.newKeySet()).add(c.subtask() + "/" + c.checkpointId())) {
                    COMMITTED.computeIfAbsent(run, r -> new CopyOnWriteArrayList<>()).addAll(c.records());
                }
            }
        }
    }

    /** Throws once, at the given record, in one run. */
    static final class FailOnce implements MapFunction<Long, Long> {
        private final String run;
        private final long at;

        FailOnce(String run, long at) {
            this.run = run;
            this.at = at;
        }

        @Override
        public Long map(Long value) {
            if (value == at && FAILED.computeIfAbsent(run, r -> new AtomicBoolean()).compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure at record " + at);
            }
            return value;
        }
    }

    /** An environment of parallelism 2 running on {@code executor}, with checkpoints every {@code intervalMillis}. */
    private static StreamExecutionEnvironment environment(LocalExecutor executor, long intervalMillis, CheckpointingMode mode) {
        StreamExecutionEnvironment.setContextExecutor(executor, Map.of());
        return StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2).enableCheckpointing(intervalMillis, mode);
    }

    /**
     * A bounded job with checkpoints ends with a final checkpoint (Flink's behaviour since 1.15): the
     * sources wait after their last record until a checkpoint covers the end of every source, so
     * every record reaches the sink before a barrier and is committed by a checkpoint's completion —
     * nothing is left to commit outside a checkpoint when the input ends.
     */
    @ParameterizedTest
    @EnumSource(CheckpointingMode.class)
    void aBoundedJobCommitsEverythingThroughAFinalCheckpoint(CheckpointingMode mode) throws Exception {
        String run = "final-" + mode;
        LocalExecutor executor = new LocalExecutor();
        StreamExecutionEnvironment env = environment(executor, 200, mode);
        // 12,000 records at 20,000/s: 0.6 s, checkpoints every 200 ms; records arrive until the very end
        env.fromSource(new DataGeneratorSource<>(i -> i, N, 20_000), "numbers")
                .map(i -> Tuple2.of(i % KEYS, 1L))
                .keyBy(t -> t.f0)
                .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1))
                .sinkTo(new TwoPhaseSink(run));
        env.execute("final checkpoint " + mode);

        assertThat(AT_END.get(run).get()).as("records written after the final checkpoint's barrier").isZero();
        List<Tuple2<Long, Long>> out = COMMITTED.get(run);
        assertThat(out).hasSize(N);
        Map<Long, Long> maxCount = new HashMap<>();
        out.forEach(t -> maxCount.merge(t.f0, t.f1, Math::max));
        Map<Long, Long> expected = new HashMap<>();
        for (long i = 0; i < N; i++) {
            expected.merge(i % KEYS, 1L, Long::sum);
        }
        assertThat(maxCount).isEqualTo(expected);
    }

    /**
     * With every state file inline in the checkpoint (a threshold of 256 kb: the counts of 10 keys,
     * the source's position and a sink's committables of at most a few thousand records stay below
     * it) and with none (0): the restore reads both kinds.
     */
    @ParameterizedTest
    @CsvSource({"EXACTLY_ONCE, 256 kb", "EXACTLY_ONCE, 0", "AT_LEAST_ONCE, 256 kb", "AT_LEAST_ONCE, 0"})
    void aRestartFromTheLatestCheckpointLosesNothing(CheckpointingMode mode, String memoryThreshold) throws Exception {
        String run = "run-" + mode + "-" + memoryThreshold;
        LocalExecutor executor = new LocalExecutor();
        StreamExecutionEnvironment env = environment(executor, 50, mode);
        env.getConfiguration().put("state.storage.fs.memory-threshold", memoryThreshold);
        env.getConfiguration().put("restart-strategy.type", "fixed-delay");
        env.getConfiguration().put("restart-strategy.fixed-delay.attempts", "2");
        env.getConfiguration().put("restart-strategy.fixed-delay.delay", "10 ms");
        // 12,000 records at 20,000/s: 0.6 s, checkpoints every 50 ms; the failure at record 7,000 (after ~0.35 s)
        env.fromSource(new DataGeneratorSource<>(i -> i, N, 20_000), "numbers")
                .map(new FailOnce(run, 7_000))
                .map(i -> Tuple2.of(i % KEYS, 1L))
                .keyBy(t -> t.f0)
                .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1))
                .sinkTo(new TwoPhaseSink(run));
        env.execute("local exactly-once " + mode);

        assertThat(executor.restarts()).isEqualTo(1);
        assertThat(executor.completedCheckpoints()).isPositive();
        if (memoryThreshold.equals("0")) {
            assertThat(executor.stateFilesWritten()).as("state files (none inline)").isPositive();
        } else {
            assertThat(executor.stateFilesWritten()).as("state files (all inline)").isZero();
        }
        List<Tuple2<Long, Long>> out = COMMITTED.get(run);
        Map<Long, Long> perKey = new HashMap<>();
        for (long i = 0; i < N; i++) {
            perKey.merge(i % KEYS, 1L, Long::sum);
        }
        Set<Tuple2<Long, Long>> expected = new HashSet<>();
        perKey.forEach((k, n) -> {
            for (long c = 1; c <= n; c++) {
                expected.add(Tuple2.of(k, c));
            }
        });
        if (mode == CheckpointingMode.EXACTLY_ONCE) {
            assertThat(new HashSet<>(out)).as("every (key, running count) was committed").isEqualTo(expected);
            assertThat(out).as("and none twice").hasSize(N);
        } else {
            // unaligned barriers: records after a barrier may be in the restored counts and count twice
            assertThat(new HashSet<>(out)).as("every (key, running count) at least once").containsAll(expected);
        }
    }
}
