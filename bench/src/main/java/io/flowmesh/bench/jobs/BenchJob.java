package io.flowmesh.bench.jobs;

import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.eventtime.WatermarkStrategy;
import io.flowmesh.api.functions.Collector;
import io.flowmesh.api.functions.KeyedProcessFunction;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.source.DataGeneratorSource;
import io.flowmesh.api.state.ValueState;
import io.flowmesh.api.state.ValueStateDescriptor;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.api.windowing.assigners.TumblingEventTimeWindows;
import io.flowmesh.api.windowing.functions.ProcessWindowFunction;
import io.flowmesh.api.windowing.windows.TimeWindow;
import io.flowmesh.bench.results.Ascii;
import io.flowmesh.bench.results.Generator;
import io.flowmesh.connector.kafka.DeliveryGuarantee;
import io.flowmesh.connector.kafka.KafkaSink;
import io.flowmesh.connector.kafka.KafkaSource;
import io.flowmesh.connector.kafka.OffsetsInitializer;
import io.flowmesh.bench.results.Workload;
import java.time.Duration;

/**
 * The benchmark workloads of {@code BENCHMARKS.md} as one Flowmesh program; {@code flowmesh bench}
 * submits it. Arguments: {@code --workload W1|W2|W3|latency --n N --run-id ID}, and for latency
 * {@code --rate R --seconds S [--warmup-seconds W]} (default 200000, 60, 10) instead of {@code --n}. Parallelism comes from the submission
 * ({@code flowmesh run -p}); 2 when it sets none.
 *
 * <ul>
 *   <li>W1: {@code gen → map(value := value*2) → filter(value % 3 != 0) → sink} (count, sum) — one chain.
 *   <li>W2: {@code gen} with timestamps {@code i/10} and monotonous watermarks {@code → keyBy(key) →}
 *       1 s tumbling event-time windows, sum of value {@code → sink} (window_results, sum_of_sums, checksum).
 *   <li>W3: {@code gen → keyBy(key) → reduce(running sum)}, one output per input {@code → sink} (outputs, final_sum).
 *   <li>latency: {@code gen} at a fixed total rate, records (key, creation time in µs) {@code → keyBy(key) →}
 *       keyed process counting per key in a value state {@code → sink} (latency histogram, first 10 s discarded).
 * </ul>
 *
 * <p>Records are {@code Tuple2<Long, Long>} (key, value): the types the engine's serializer has a
 * fast path for. Each sink subtask writes one summary to the results topic at the end of its input.
 */
public final class BenchJob {
    /** What to run; {@code records} is N (for latency: rate × seconds; records created in the first {@code warmupSeconds} are not measured). */
    public record Options(Workload workload, long records, String runId, double rate, long seconds, long warmupSeconds) {

        public static Options parse(String[] args) {
            Workload workload = null;
            Long n = null;
            String runId = null;
            double rate = 200_000;
            long seconds = 60;
            long warmupSeconds = 10;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value of " + name);
                }
                String v = args[++i];
                switch (name) {
                    case "--workload" -> workload = Workload.parse(v);
                    case "--n" -> n = Long.parseLong(v.replace("_", ""));
                    case "--run-id" -> runId = v;
                    case "--rate" -> rate = Double.parseDouble(v);
                    case "--seconds" -> seconds = Long.parseLong(v);
                    case "--warmup-seconds" -> warmupSeconds = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown argument " + name
                            + " (expected --workload W1|W2|W3|W4|W5|latency, --n N, --run-id ID, --rate R, --seconds S, --warmup-seconds W)");
                }
            }
            if (workload == null) {
                throw new IllegalArgumentException("--workload is required (W1, W2, W3, W4, W5 or latency)");
            }
            if (runId == null || runId.isBlank()) {
                throw new IllegalArgumentException("--run-id is required");
            }
            long records = workload == Workload.LATENCY ? (long) (rate * seconds) : n == null ? workload.defaultRecords() : n;
            if (records < 1) {
                throw new IllegalArgumentException("the job must generate at least one record, was " + records);
            }
            return new Options(workload, records, runId, rate, seconds, warmupSeconds);
        }
    }

    private BenchJob() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (!env.getConfiguration().containsKey("parallelism.default")) {
            env.setParallelism(2);
        }
        build(env, options, new KafkaSummaryPublisher());
        System.out.println("Benchmark " + options.workload().label() + " of " + options.records() + " records at parallelism "
                + env.getParallelism() + ", run " + options.runId());
        env.execute("Benchmark " + options.workload().label() + " (" + options.runId() + ")");
    }

    /** Adds the workload's pipeline to {@code env}; its sink subtasks publish their summaries to {@code publisher}. */
    public static void build(StreamExecutionEnvironment env, Options o, SummaryPublisher publisher) {
        switch (o.workload()) {
            case W1 -> w1(env, o.records(), new BenchSinks.W1Sink(o.runId(), publisher));
            case W2 -> w2(env, o.records(), new BenchSinks.W2Sink(o.runId(), publisher));
            case W3 -> w3(env, o.records(), new BenchSinks.W3Sink(o.runId(), publisher));
            case W4, W5 -> kafkaCount(env, IN_TOPIC, OUT_TOPIC, "flowmesh-bench-" + o.runId());
            case LATENCY -> latency(env, o.records(), o.rate(), new BenchSinks.LatencySink(o.runId(), publisher, o.warmupSeconds() * 1_000_000L));
        }
    }

    /** W4/W5's input topic (4 partitions, N records preloaded by {@code flowmesh bench}). */
    public static final String IN_TOPIC = "in";
    /** W4/W5's output topic, recreated before every run. */
    public static final String OUT_TOPIC = "out";

    /**
     * W4/W5: Kafka {@code in} (earliest, bounded at the end offsets seen at start; key and value
     * ASCII decimal) {@code → keyBy(key) →} running count per key in a value state {@code →} Kafka
     * {@code out} exactly once (transactions): key = key, value = count. Checkpointing comes from
     * the submission's configuration ({@code --checkpoint-ms}).
     */
    static void kafkaCount(StreamExecutionEnvironment env, String in, String out, String transactionalIdPrefix) {
        KafkaSource<Tuple2<Long, Long>> source = KafkaSource.<Tuple2<Long, Long>>builder()
                .setTopics(in)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer((key, value, topic, partition, offset, timestamp) -> Tuple2.of(Ascii.parseLong(key), Ascii.parseLong(value)))
                .build();
        KafkaSink<Tuple2<Long, Long>> sink = KafkaSink.<Tuple2<Long, Long>>builder()
                .setTopic(out)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setKeySerializer(t -> Ascii.bytes(t.f0))
                .setValueSerializer(t -> Ascii.bytes(t.f1))
                .build();
        env.fromSource(source, "Kafka: " + in).uid("w4-source")
                .keyBy(t -> t.f0)
                .process(new CountPerKey(true)).name("running count per key").uid("w4-count")
                .sinkTo(sink).name("Kafka: " + out).uid("w4-sink");
    }

    static void w1(StreamExecutionEnvironment env, long n, BenchSinks.W1Sink sink) {
        env.fromSource(new DataGeneratorSource<>(i -> Tuple2.of(Generator.key(i), Generator.value(i)), n), "W1 generator")
                .map(t -> Tuple2.of(t.f0, t.f1 * 2)).name("value := value*2")
                .filter(t -> t.f1 % 3 != 0).name("value % 3 != 0")
                .sinkTo(sink).name("W1 count and sum");
    }

    static void w2(StreamExecutionEnvironment env, long n, BenchSinks.W2Sink sink) {
        env.fromSource(new DataGeneratorSource<>(i -> i, n),
                        WatermarkStrategy.<Long>forMonotonousTimestamps().withTimestampAssigner((i, ts) -> Generator.timestampMillis(i)),
                        "W2 generator")
                .map(i -> Tuple2.of(Generator.key(i), Generator.value(i))).name("(key, value)")
                .keyBy(t -> t.f0)
                .window(TumblingEventTimeWindows.of(Duration.ofSeconds(1)))
                .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1), new ToWindowResult()).name("1 s windows: sum of value").uid("w2-windows")
                .sinkTo(sink).name("W2 window results");
    }

    static void w3(StreamExecutionEnvironment env, long n, BenchSinks.W3Sink sink) {
        env.fromSource(new DataGeneratorSource<>(i -> Tuple2.of(Generator.key(i), Generator.value(i)), n), "W3 generator")
                .keyBy(t -> t.f0)
                .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1)).name("running sum of value").uid("w3-reduce")
                .sinkTo(sink).name("W3 outputs and final sums");
    }

    static void latency(StreamExecutionEnvironment env, long n, double rate, BenchSinks.LatencySink sink) {
        env.fromSource(new DataGeneratorSource<>(i -> Tuple2.of(Generator.key(i), BenchSinks.epochMicros()), n, rate), "Latency generator")
                .keyBy(t -> t.f0)
                .process(new CountPerKey(false)).name("count per key").uid("latency-count")
                .sinkTo(sink).name("latency histogram");
    }

    /** The window's key, exclusive end and reduced sum. */
    static final class ToWindowResult extends ProcessWindowFunction<Tuple2<Long, Long>, WindowResult, Long, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(Long key, Context context, Iterable<Tuple2<Long, Long>> reduced, Collector<WindowResult> out) {
            Tuple2<Long, Long> sum = reduced.iterator().next();
            out.collect(new WindowResult(key, context.window().getEnd(), sum.f1));
        }
    }

    /**
     * Counts the records of each key in a value state; passes every record on (latency), or emits
     * (key, running count) instead (W4/W5).
     */
    static final class CountPerKey extends KeyedProcessFunction<Long, Tuple2<Long, Long>, Tuple2<Long, Long>> {
        private static final long serialVersionUID = 1L;
        private final boolean emitCount;
        private transient ValueState<Long> count;

        CountPerKey(boolean emitCount) {
            this.emitCount = emitCount;
        }

        @Override
        public void open(RuntimeContext context) throws Exception {
            super.open(context);
            count = context.getState(new ValueStateDescriptor<>("count", Long.class));
        }

        @Override
        public void processElement(Tuple2<Long, Long> record, Context ctx, Collector<Tuple2<Long, Long>> out) throws Exception {
            Long c = count.value();
            long next = c == null ? 1 : c + 1;
            count.update(next);
            out.collect(emitCount ? Tuple2.of(record.f0, next) : record);
        }
    }
}
