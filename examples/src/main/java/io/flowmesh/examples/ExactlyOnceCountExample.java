package io.flowmesh.examples;

import io.flowmesh.api.datastream.DataStream;
import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.functions.Collector;
import io.flowmesh.api.functions.KeyedProcessFunction;
import io.flowmesh.api.functions.MapFunction;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.state.ValueState;
import io.flowmesh.api.state.ValueStateDescriptor;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.connector.kafka.DeliveryGuarantee;
import io.flowmesh.connector.kafka.KafkaSink;
import io.flowmesh.connector.kafka.KafkaSource;
import io.flowmesh.connector.kafka.OffsetsInitializer;
import java.nio.charset.StandardCharsets;

/**
 * Kafka to Kafka, exactly once (the shape of BENCHMARKS.md's W4): reads the records of topic
 * {@code --in} (earliest, bounded at the end offsets seen at start; key and value ASCII), keeps a
 * running count per Kafka key in a value state, and writes (key, count) to topic {@code --out} in
 * Kafka transactions committed with each checkpoint. A {@code read_committed} consumer of the
 * output sees, for a key with n records, exactly the counts 1..n once each — also when a
 * TaskManager dies mid-run and the job restarts from its latest checkpoint.
 *
 * <p>Arguments: {@code --in T} (default {@code flowmesh-eo-in}), {@code --out T} (default
 * {@code flowmesh-eo-out}), {@code --checkpoint-ms MS} (default 1000), {@code --records-per-second R}
 * per source subtask (default unlimited: a throttle to make a short run last, for failure tests),
 * {@code --parallelism P} (default 2; {@code flowmesh run -p} overrides), {@code --stateless}: instead of
 * the count (operator uid {@code running-count}) a stateless map (uid {@code stateless-echo}) writes
 * (key, input value as a number) — the same job with its stateful operator removed, to resume from
 * a savepoint of the counting job with {@code -n} (allow non-restored state).
 */
public final class ExactlyOnceCountExample {

    public static void main(String[] args) throws Exception {
        String in = "flowmesh-eo-in";
        String out = "flowmesh-eo-out";
        long checkpointMillis = 1000;
        double perSecond = 0;
        Integer parallelism = null;
        boolean stateless = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--in" -> in = args[++i];
                case "--out" -> out = args[++i];
                case "--checkpoint-ms" -> checkpointMillis = Long.parseLong(args[++i]);
                case "--records-per-second" -> perSecond = Double.parseDouble(args[++i]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                case "--stateless" -> stateless = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --in T, --out T, --checkpoint-ms MS, --records-per-second R, --parallelism P, --stateless)");
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (parallelism != null) {
            env.setParallelism(parallelism);
        } else if (!env.getConfiguration().containsKey("parallelism.default")) {
            env.setParallelism(2);
        }
        env.enableCheckpointing(checkpointMillis);

        KafkaSource<Tuple2<String, String>> source = KafkaSource.<Tuple2<String, String>>builder()
                .setTopics(in)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer((key, value, topic, partition, offset, timestamp) ->
                        Tuple2.of(new String(key, StandardCharsets.US_ASCII), new String(value, StandardCharsets.US_ASCII)))
                .build();
        KafkaSink<Tuple2<String, Long>> sink = KafkaSink.<Tuple2<String, Long>>builder()
                .setTopic(out)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("flowmesh-eo-" + out)
                .setKeySerializer(t -> t.f0.getBytes(StandardCharsets.US_ASCII))
                .setValueSerializer(t -> t.f1.toString().getBytes(StandardCharsets.US_ASCII))
                .build();
        DataStream<Tuple2<String, String>> throttled = env.fromSource(source, "Kafka: " + in).uid("kafka-source")
                .map(new Throttle<>(perSecond)).name("Throttle");
        DataStream<Tuple2<String, Long>> result = stateless
                ? throttled.map(new Echo()).name("Stateless echo").uid("stateless-echo")
                : throttled.keyBy(t -> t.f0).process(new RunningCount()).name("Running count").uid("running-count");
        result.sinkTo(sink).name("Kafka: " + out).uid("kafka-sink");
        System.out.println((stateless ? "Stateless echo" : "Exactly-once count") + " of topic '" + in + "' into '" + out
                + "', checkpoints every " + checkpointMillis + " ms");
        env.execute("Exactly-once count example");
    }

    /** The running count of each key, in a value state. */
    static final class RunningCount extends KeyedProcessFunction<String, Tuple2<String, String>, Tuple2<String, Long>> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> count;

        @Override
        public void open(RuntimeContext context) throws Exception {
            super.open(context);
            count = context.getState(new ValueStateDescriptor<>("count", Long.class));
        }

        @Override
        public void processElement(Tuple2<String, String> record, Context ctx, Collector<Tuple2<String, Long>> out) throws Exception {
            Long c = count.value();
            long next = c == null ? 1 : c + 1;
            count.update(next);
            out.collect(Tuple2.of(record.f0, next));
        }
    }

    /** (key, value) → (key, value as a number); no state. */
    static final class Echo implements MapFunction<Tuple2<String, String>, Tuple2<String, Long>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple2<String, Long> map(Tuple2<String, String> record) {
            return Tuple2.of(record.f0, Long.parseLong(record.f1));
        }
    }

    /** Passes records on at most {@code perSecond} per subtask (0: unlimited). */
    static final class Throttle<T> implements MapFunction<T, T> {
        private static final long serialVersionUID = 1L;
        private final double perSecond;
        private transient long start;
        private transient long seen;

        Throttle(double perSecond) {
            this.perSecond = perSecond;
        }

        @Override
        public T map(T value) throws Exception {
            if (perSecond > 0) {
                if (start == 0) {
                    start = System.nanoTime();
                }
                long due = start + (long) (++seen * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    Thread.sleep(wait / 1_000_000);
                }
            }
            return value;
        }
    }
}
