package io.flowmesh.bench.results;

import java.util.Map;

/**
 * Formats the one JSON line of a run with {@code BENCHMARKS.md}'s fields in its order, the
 * workload's correctness fields after {@code records_per_s}, then Flowmesh's own fields
 * ({@code extras}: cluster shape, peak RSS, the runs' times). {@code seconds} has 3 decimals,
 * {@code records_per_s} is rounded to an integer. {@code checkpoint_ms} comes from {@code extras}
 * (key {@value #CHECKPOINT_MS}; 0 when absent: no checkpoints).
 */
public final class BenchmarkReport {
    /** The key of the checkpoint interval in {@code extras}, printed in BENCHMARKS.md's place. */
    public static final String CHECKPOINT_MS = "checkpoint_ms";
    public static final String STATE_BACKEND = "heap";

    private BenchmarkReport() {
    }

    /**
     * The line of a throughput run: the correctness fields shown are {@code correctness}'s; {@code ok}
     * is given apart, since with several runs it covers all of them. Values of {@code extras} may be
     * Long/Integer, Double (3 decimals), Boolean, String or double[] (3 decimals).
     */
    public static String throughput(Workload workload, String engine, long records, double seconds, Correctness correctness,
            boolean ok, int parallelism, Map<String, Object> extras) {
        JsonLine line = new JsonLine()
                .add("workload", workload.label())
                .add("engine", engine)
                .add("records", records)
                .add("seconds", seconds, 3)
                .add("records_per_s", Math.round(records / seconds));
        correctness.printed().forEach(line::add);
        line.add("ok", ok);
        return common(line, parallelism, extras);
    }

    public static String latency(String engine, long expectedRecords, double seconds, double targetRate, LatencyResult r,
            boolean ok, int parallelism, Map<String, Object> extras) {
        JsonLine line = new JsonLine()
                .add("workload", Workload.LATENCY.label())
                .add("engine", engine)
                .add("records", r.records())
                .add("seconds", seconds, 3)
                .add("rate_target", Math.round(targetRate))
                .add("rate_achieved", Math.round(r.achievedRate()))
                .add("measured_records", r.measured())
                .add("p50_ms", r.millisAt(0.50), 3)
                .add("p99_ms", r.millisAt(0.99), 3)
                .add("p99_9_ms", r.millisAt(0.999), 3)
                .add("max_ms", r.maxMillis(), 3)
                .add("ok", ok);
        return common(line, parallelism, extras);
    }

    private static String common(JsonLine line, int parallelism, Map<String, Object> extras) {
        line.add("parallelism", parallelism)
                .add(CHECKPOINT_MS, ((Number) extras.getOrDefault(CHECKPOINT_MS, 0L)).longValue())
                .add("state_backend", STATE_BACKEND);
        extras.forEach((k, v) -> {
            if (k.equals(CHECKPOINT_MS)) {
                return;
            }
            if (v instanceof Double d) {
                line.add(k, d, 3);
            } else if (v instanceof Number n) {
                line.add(k, n.longValue());
            } else if (v instanceof Boolean b) {
                line.add(k, b);
            } else if (v instanceof double[] a) {
                line.add(k, a, 3);
            } else {
                line.add(k, String.valueOf(v));
            }
        });
        return line.toString();
    }
}
