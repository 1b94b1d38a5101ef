package io.flowmesh.bench.results;

import java.util.Locale;

/**
 * The workloads of {@code BENCHMARKS.md}, with the input size the document publishes Flink's figure
 * for. {@link #LATENCY} runs at a fixed rate instead. W4 and W5 read and write Kafka topics and are
 * verified from the output topic ({@link KafkaCountCheck}), not from sink summaries.
 */
public enum Workload {
    W1(500_000_000L),
    W2(100_000_000L),
    W3(200_000_000L),
    W4(20_000_000L),
    W5(20_000_000L),
    LATENCY(0);

    private final long defaultRecords;

    Workload(long defaultRecords) {
        this.defaultRecords = defaultRecords;
    }

    /** N of BENCHMARKS.md (0 for the latency workload, whose size is rate × seconds). */
    public long defaultRecords() {
        return defaultRecords;
    }

    /** The name used on the command line and in the JSON line: {@code W1}, {@code W2}, {@code W3}, {@code latency}. */
    public String label() {
        return this == LATENCY ? "latency" : name();
    }

    /** W4 and W5: Kafka to Kafka, exactly once. */
    public boolean isKafkaToKafka() {
        return this == W4 || this == W5;
    }

    /** {@code W1}, {@code w1}, {@code latency}, ... */
    public static Workload parse(String text) {
        for (Workload w : values()) {
            if (w.label().equalsIgnoreCase(text.strip())) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + text + "': expected W1, W2, W3, W4, W5 or latency");
    }
}
