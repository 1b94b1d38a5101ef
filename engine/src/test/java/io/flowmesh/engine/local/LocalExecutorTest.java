package io.flowmesh.engine.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.engine.testing.CollectSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Whole jobs run in process: the same subtasks, partitioning and exchange as on a cluster. */
class LocalExecutorTest {

    private static StreamExecutionEnvironment env(int parallelism) {
        StreamExecutionEnvironment.setContextExecutor(new LocalExecutor(), Map.of());
        return StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void statelessChainGivesTheExactCountAndSum(int parallelism) throws Exception {
        // W1 of the benchmarks on a small N: map(value*2) -> filter(value % 3 != 0)
        long n = 200_000;
        CollectSink<Long> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(parallelism);
        env.fromSequence(0, n - 1).map(i -> (i % 1000) * 2).filter(v -> v % 3 != 0).sinkTo(sink);
        env.execute("W1");
        long count = 0;
        long sum = 0;
        for (long i = 0; i < n; i++) {
            long v = (i % 1000) * 2;
            if (v % 3 != 0) {
                count++;
                sum += v;
            }
        }
        List<Long> results = sink.results();
        assertThat(results).hasSize((int) count);
        assertThat(results.stream().mapToLong(Long::longValue).sum()).isEqualTo(sum);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void keyedRunningReduceEmitsEveryIntermediateSumPerKey(int parallelism) throws Exception {
        // W3 of the benchmarks on a small N: keyBy(key) -> running sum of value, one output per input
        long n = 100_000;
        CollectSink<Tuple2<Long, Long>> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(parallelism);
        env.fromSequence(0, n - 1).map(i -> Tuple2.of((i * 31 + 7) % 1000, i % 1000))
                .keyBy(t -> t.f0).reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1)).sinkTo(sink);
        env.execute("W3");

        // per key, the records arrive from p source subtasks interleaved: the outputs are running sums
        // of some interleaving, so check the invariants that hold for every interleaving
        Map<Long, Long> finalSum = new HashMap<>();
        Map<Long, Integer> countPerKey = new HashMap<>();
        for (long i = 0; i < n; i++) {
            finalSum.merge((i * 31 + 7) % 1000, i % 1000, Long::sum);
            countPerKey.merge((i * 31 + 7) % 1000, 1, Integer::sum);
        }
        List<Tuple2<Long, Long>> results = sink.results();
        assertThat(results).hasSize((int) n);
        Map<Long, Long> maxPerKey = new HashMap<>();
        Map<Long, Integer> outputsPerKey = new HashMap<>();
        for (Tuple2<Long, Long> t : results) {
            maxPerKey.merge(t.f0, t.f1, Math::max);
            outputsPerKey.merge(t.f0, 1, Integer::sum);
        }
        assertThat(maxPerKey).isEqualTo(finalSum);
        assertThat(outputsPerKey).isEqualTo(countPerKey);
        assertThat(maxPerKey.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(n / 1000 * 499_500);
    }

    @Test
    void atParallelismOneTheRunningSumsAreExactlyThePrefixSums() throws Exception {
        CollectSink<Tuple2<Long, Long>> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(1);
        env.fromSequence(0, 5_999).map(i -> Tuple2.of(i % 3, i)).keyBy(t -> t.f0).reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1)).sinkTo(sink);
        env.execute("prefix sums");
        List<Tuple2<Long, Long>> expected = new ArrayList<>();
        long[] sums = new long[3];
        for (long i = 0; i < 6_000; i++) {
            sums[(int) (i % 3)] += i;
            expected.add(Tuple2.of(i % 3, sums[(int) (i % 3)]));
        }
        assertThat(sink.results()).isEqualTo(expected);
    }

    @Test
    void aFailingFunctionFailsTheJobNamingTheOperator() {
        StreamExecutionEnvironment env = env(2);
        env.fromSequence(0, 1000).map(i -> {
            if (i == 500) {
                throw new IllegalStateException("boom at " + i);
            }
            return i;
        }).name("Exploding map").rebalance().sinkTo(new CollectSink<>());
        assertThatThrownBy(() -> env.execute("failing"))
                .isInstanceOf(JobExecutionException.class)
                .hasMessageContaining("operator 'Exploding map' failed")
                .hasMessageContaining("boom at 500");
    }

    @Test
    void sumMinAndMaxAggregateATupleFieldPerKey() throws Exception {
        CollectSink<Tuple2<Long, Long>> sums = new CollectSink<>();
        CollectSink<Tuple2<Long, Long>> mins = new CollectSink<>();
        CollectSink<Tuple2<Long, Long>> maxs = new CollectSink<>();
        StreamExecutionEnvironment env = env(1);
        var pairs = env.fromSequence(0, 99).map(i -> Tuple2.of(i % 2, (i * 37) % 101));
        pairs.keyBy(t -> t.f0).sum(1).sinkTo(sums);
        pairs.keyBy(t -> t.f0).min(1).sinkTo(mins);
        pairs.keyBy(t -> t.f0).max(1).sinkTo(maxs);
        env.execute("aggregations");
        long[] sum = new long[2];
        long[] min = {Long.MAX_VALUE, Long.MAX_VALUE};
        long[] max = {Long.MIN_VALUE, Long.MIN_VALUE};
        for (long i = 0; i < 100; i++) {
            int k = (int) (i % 2);
            long v = (i * 37) % 101;
            sum[k] += v;
            min[k] = Math.min(min[k], v);
            max[k] = Math.max(max[k], v);
        }
        // at parallelism 1 the last output per key is the final aggregate
        assertThat(sums.results().subList(98, 100)).containsExactlyInAnyOrder(Tuple2.of(0L, sum[0]), Tuple2.of(1L, sum[1]));
        assertThat(mins.results().subList(98, 100)).containsExactlyInAnyOrder(Tuple2.of(0L, min[0]), Tuple2.of(1L, min[1]));
        assertThat(maxs.results().subList(98, 100)).containsExactlyInAnyOrder(Tuple2.of(0L, max[0]), Tuple2.of(1L, max[1]));
    }

    /** A Java record: serialized field by field, its class named once per stream. */
    record Reading(String sensor, long count, double total) {}

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void javaRecordsCrossTheKeyedExchange(int parallelism) throws Exception {
        CollectSink<Reading> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(parallelism);
        env.fromSequence(0, 9_999).map(i -> new Reading("s" + (i % 10), 1, i * 0.5))
                .keyBy(Reading::sensor)
                .reduce((a, b) -> new Reading(a.sensor(), a.count() + b.count(), a.total() + b.total()))
                .sinkTo(sink);
        env.execute("records");
        Map<String, Reading> last = new HashMap<>();
        for (Reading r : sink.results()) {
            last.merge(r.sensor(), r, (a, b) -> a.count() >= b.count() ? a : b);
        }
        assertThat(last).hasSize(10);
        for (int s = 0; s < 10; s++) {
            double total = 0;
            for (long i = s; i < 10_000; i += 10) {
                total += i * 0.5;
            }
            assertThat(last.get("s" + s)).isEqualTo(new Reading("s" + s, 1000, total));
        }
    }

    /** No no-argument constructor and not Serializable: only a registered serializer can send it. */
    static final class Price {
        final long cents;

        Price(long cents) {
            this.cents = cents;
        }
    }

    static final class PriceSerializer implements io.flowmesh.api.serialization.RecordSerializer<Price> {
        @Override
        public void serialize(Price p, java.io.DataOutput out) throws java.io.IOException {
            out.writeLong(p.cents);
        }

        @Override
        public Price deserialize(java.io.DataInput in) throws java.io.IOException {
            return new Price(in.readLong());
        }
    }

    @Test
    void aRegisteredSerializerCarriesItsTypeBetweenSubtasks() throws Exception {
        CollectSink<Long> sink = new CollectSink<>();
        StreamExecutionEnvironment env = env(2);
        env.registerTypeSerializer(Price.class, new PriceSerializer());
        env.fromSequence(1, 1000).map(Price::new).rebalance().map(p -> p.cents).sinkTo(sink);
        env.execute("registered");
        assertThat(sink.results().stream().mapToLong(Long::longValue).sum()).isEqualTo(500_500L);
    }

    /** Holds a thread: no serializer can send it between subtasks. */
    static final class Opaque {
        final long value;
        final Thread owner = Thread.currentThread();

        Opaque(long value) {
            this.value = value;
        }
    }

    @Test
    void aRecordTypeWithoutASerializerFailsTheJobNamingTheOperatorAndTheType() {
        StreamExecutionEnvironment env = env(2);
        env.fromSequence(0, 10).map(Opaque::new).name("Wrap").rebalance().map(o -> o.value).sinkTo(new CollectSink<>());
        assertThatThrownBy(() -> env.execute("opaque records"))
                .isInstanceOf(JobExecutionException.class)
                .hasMessageContaining("operator 'Source: Sequence Source -> Wrap' failed")
                .hasMessageContaining("no serializer for records of type " + Opaque.class.getName());
    }

    @Test
    void aSlowSinkSlowsTheSourceWithBoundedBuffering() throws Exception {
        SlowCountingSink.CONSUMED.set(0);
        CountingSource.EMITTED.set(0);
        StreamExecutionEnvironment env = env(1);
        env.fromSource(new CountingSource(), "counting").rebalance().sinkTo(new SlowCountingSink()).setParallelism(1);
        Thread job = new Thread(() -> {
            try {
                env.execute("backpressure");
            } catch (Exception e) {
                // cancelled by the interrupt below
            }
        });
        job.start();
        Thread.sleep(2000);
        long emitted = CountingSource.EMITTED.get();
        long consumed = SlowCountingSink.CONSUMED.get();
        job.interrupt();
        job.join(10_000);
        // without backpressure the source would have emitted millions; with it, it is ahead of the
        // sink by at most the buffers in between (4 queued + 1 in progress per side, 32 KiB, 10 bytes a record)
        assertThat(consumed).isGreaterThan(100);
        assertThat(emitted - consumed).isLessThan(6 * 32 * 1024 / 10 + 1024);
    }

    /** Counts what it emits, forever. */
    static final class CountingSource implements io.flowmesh.api.source.Source<Long> {
        static final java.util.concurrent.atomic.AtomicLong EMITTED = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public boolean isBounded() {
            return false;
        }

        @Override
        public io.flowmesh.api.source.SourceReader<Long> createReader(io.flowmesh.api.functions.RuntimeContext context) {
            return output -> {
                for (int i = 0; i < 64; i++) {
                    output.collect(EMITTED.incrementAndGet());
                }
                return io.flowmesh.api.source.InputStatus.MORE_AVAILABLE;
            };
        }
    }

    /** Takes 1 ms per record. */
    static final class SlowCountingSink implements io.flowmesh.api.sink.Sink<Long> {
        static final java.util.concurrent.atomic.AtomicLong CONSUMED = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public io.flowmesh.api.sink.SinkWriter<Long> createWriter(io.flowmesh.api.functions.RuntimeContext context) {
            return value -> {
                Thread.sleep(1);
                CONSUMED.incrementAndGet();
            };
        }
    }

    @Test
    void aKeySelectorReturningNullFailsTheJobNamingTheProblem() {
        StreamExecutionEnvironment env = env(2);
        env.fromSequence(0, 10).keyBy(i -> i == 5 ? null : i).reduce(Long::sum).name("Sum").sinkTo(new CollectSink<>());
        assertThatThrownBy(() -> env.execute("null keys"))
                .isInstanceOf(JobExecutionException.class)
                .hasMessageContaining("the key selector of keyBy before 'Sum -> Sink: CollectSink' returned null for record 5");
    }
}
