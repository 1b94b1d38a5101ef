package io.flowmesh.examples;

import io.flowmesh.api.eventtime.WatermarkStrategy;
import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.connector.kafka.DeliveryGuarantee;
import io.flowmesh.connector.kafka.KafkaSink;
import io.flowmesh.connector.kafka.KafkaSource;
import io.flowmesh.connector.kafka.OffsetsInitializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A job that runs until it is cancelled, for watching a cluster (the metrics end-to-end test and
 * the Grafana dashboard of {@code k8s/monitoring/}): reads topic {@code --in} from the earliest
 * offset without end, with event time from the Kafka record timestamps (1 s out of orderness, a
 * watermark per partition), keeps a running count per Kafka key, and writes (key, count) to topic
 * {@code --out} (at least once). Every input record yields exactly one output record.
 *
 * <p>Arguments: {@code --in T} (default {@code flowmesh-watch-in}), {@code --out T} (default
 * {@code flowmesh-watch-out}), {@code --checkpoint-ms MS} (default 1000; 0 disables checkpoints),
 * {@code --parallelism P} (default 2; {@code flowmesh run -p} overrides).
 */
public final class UnboundedKafkaCountExample {

    public static void main(String[] args) throws Exception {
        String in = "flowmesh-watch-in";
        String out = "flowmesh-watch-out";
        long checkpointMillis = 1000;
        Integer parallelism = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--in" -> in = args[++i];
                case "--out" -> out = args[++i];
                case "--checkpoint-ms" -> checkpointMillis = Long.parseLong(args[++i]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --in T, --out T, --checkpoint-ms MS, --parallelism P)");
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (parallelism != null) {
            env.setParallelism(parallelism);
        } else if (!env.getConfiguration().containsKey("parallelism.default")) {
            env.setParallelism(2);
        }
        if (checkpointMillis > 0) {
            env.enableCheckpointing(checkpointMillis);
        }
        KafkaSource<Tuple2<String, String>> source = KafkaSource.<Tuple2<String, String>>builder()
                .setTopics(in)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer((key, value, topic, partition, offset, timestamp) ->
                        Tuple2.of(new String(key, StandardCharsets.US_ASCII), new String(value, StandardCharsets.US_ASCII)))
                .build();
        KafkaSink<Tuple2<String, Long>> sink = KafkaSink.<Tuple2<String, Long>>builder()
                .setTopic(out)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setKeySerializer(t -> t.f0.getBytes(StandardCharsets.US_ASCII))
                .setValueSerializer(t -> t.f1.toString().getBytes(StandardCharsets.US_ASCII))
                .build();
        env.fromSource(source, WatermarkStrategy.<Tuple2<String, String>>forBoundedOutOfOrderness(Duration.ofSeconds(1)), "Kafka: " + in)
                .uid("kafka-source")
                .keyBy(t -> t.f0)
                .process(new ExactlyOnceCountExample.RunningCount()).name("Running count").uid("running-count")
                .sinkTo(sink).name("Kafka: " + out).uid("kafka-sink");
        System.out.println("Unbounded count of topic '" + in + "' into '" + out + "'" + (checkpointMillis > 0 ? ", checkpoints every "
                + checkpointMillis + " ms" : ""));
        env.execute("Unbounded Kafka count example");
    }
}
