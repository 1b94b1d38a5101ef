package io.flowmesh.examples;

import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.connector.kafka.KafkaSink;
import java.nio.charset.StandardCharsets;

/**
 * A running count per key, written to Kafka.
 *
 * <p>Record {@code i} of {@code [0, records)} has key {@code (i*31 + 7) mod 1000} and value
 * {@code i mod 1000} (the generator of the benchmark workloads). The job doubles each value, keeps
 * the records whose doubled value is not a multiple of 3, keys them by key, counts per key, and
 * writes every count to the Kafka topic: Kafka key = the key, Kafka value = its running count, both
 * ASCII decimal. So key {@code k} yields exactly the counts {@code 1..n_k}, whatever the order.
 *
 * <p>Arguments: {@code --records N} (default 100000), {@code --topic T} (default
 * {@code flowmesh-example-counts}), {@code --parallelism P} (default 2; {@code flowmesh run -p} overrides),
 * {@code --fail-at I} (the job throws when it generates record {@code I}: to see a failure's cause in
 * {@code flowmesh info}).
 */
public final class KeyedCountExample {
    public static final String DEFAULT_TOPIC = "flowmesh-example-counts";

    public static void main(String[] args) throws Exception {
        long records = 100_000;
        String topic = DEFAULT_TOPIC;
        Integer parallelism = null;
        long failAt = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Long.parseLong(args[++i]);
                case "--topic" -> topic = args[++i];
                case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                case "--fail-at" -> failAt = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (expected --records N, --topic T, --parallelism P, --fail-at I)");
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (parallelism != null) {
            env.setParallelism(parallelism);
        } else if (!env.getConfiguration().containsKey("parallelism.default")) {
            env.setParallelism(2);
        }

        long failAtRecord = failAt;
        env.fromSequence(0, records - 1)
                .map(i -> {
                    if (i == failAtRecord) {
                        throw new IllegalStateException("deliberate failure at record " + i + " (--fail-at)");
                    }
                    return Tuple2.of((i * 31 + 7) % 1000, i % 1000);
                }).name("Generate (key, value)")
                .map(t -> Tuple2.of(t.f0, t.f1 * 2)).name("Double value")
                .filter(t -> t.f1 % 3 != 0).name("Drop multiples of 3")
                .map(t -> Tuple2.of(t.f0, 1L)).name("Count one")
                .keyBy(t -> t.f0)
                .reduce((a, b) -> Tuple2.of(a.f0, a.f1 + b.f1)).name("Running count").uid("running-count")
                .sinkTo(KafkaSink.<Tuple2<Long, Long>>builder()
                        .setTopic(topic)
                        .setKeySerializer(t -> t.f0.toString().getBytes(StandardCharsets.US_ASCII))
                        .setValueSerializer(t -> t.f1.toString().getBytes(StandardCharsets.US_ASCII))
                        .build())
                .name("Kafka: " + topic).uid("kafka-sink");

        System.out.println("Keyed count of " + records + " records at parallelism " + env.getParallelism()
                + "; output: Kafka topic '" + topic + "' (key = key, value = running count) on the cluster's Kafka");
        env.execute("Keyed count example");
    }
}
