package io.flowmesh.bench.results;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The correctness fields of one throughput run: what the sink subtasks reported, added up, beside
 * what {@link Expected} computes by plain loops. {@link #ok()} when every field is equal. The
 * fields, in {@code BENCHMARKS.md}'s names and order: W1 {@code count, sum}; W2
 * {@code window_results, sum_of_sums, checksum}; W3 {@code outputs, final_sum} (and {@code keys},
 * checked but not printed).
 */
public record Correctness(Map<String, Long> actual, Map<String, Long> expected) {

    public Correctness {
        actual = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(actual));
        expected = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(expected));
    }

    public boolean ok() {
        return actual.equals(expected);
    }

    /** {@code name: got X, expected Y} for every field that differs. */
    public List<String> mismatches() {
        List<String> m = new ArrayList<>();
        expected.forEach((k, v) -> {
            Long a = actual.get(k);
            if (!v.equals(a)) {
                m.add(k + ": got " + a + ", expected " + v);
            }
        });
        return m;
    }

    /** The fields the JSON line shows (all but the internal {@code keys} check of W3). */
    public Map<String, Long> printed() {
        Map<String, Long> p = new LinkedHashMap<>(actual);
        p.remove("keys");
        return p;
    }

    /**
     * Adds up the summaries of one run of {@code workload} over {@code n} records and computes the
     * expected values.
     *
     * @throws IllegalArgumentException when the summaries are not exactly one per sink subtask
     */
    public static Correctness of(Workload workload, long n, List<Summary> summaries) {
        return of(workload, summaries, expected(workload, n));
    }

    /** As {@link #of(Workload, long, List)}, with the expected values computed once beforehand by {@link #expected}. */
    public static Correctness of(Workload workload, List<Summary> summaries, Map<String, Long> expected) {
        requireOnePerSubtask(summaries);
        Map<String, Long> actual = new LinkedHashMap<>();
        switch (workload) {
            case W1 -> {
                actual.put("count", sum(summaries, "count"));
                actual.put("sum", sum(summaries, "sum"));
            }
            case W2 -> {
                actual.put("window_results", sum(summaries, "window_results"));
                actual.put("sum_of_sums", sum(summaries, "sum_of_sums"));
                long checksum = 0;
                for (Summary s : summaries) {
                    checksum = Checksum.add(checksum, Checksum.reduce(s.getLong("checksum")));
                }
                actual.put("checksum", checksum);
            }
            case W3 -> {
                actual.put("outputs", sum(summaries, "outputs"));
                actual.put("final_sum", sum(summaries, "final_sum"));
                actual.put("keys", sum(summaries, "keys"));
            }
            case W4, W5 -> throw new IllegalArgumentException(workload.label() + " is verified from its output topic: see KafkaCountCheck");
            case LATENCY -> throw new IllegalArgumentException("the latency workload has no correctness fields: see LatencyResult");
        }
        return new Correctness(actual, expected);
    }

    /** The expected correctness fields of {@code workload} over {@code n} records, by {@link Expected}'s plain loops. */
    public static Map<String, Long> expected(Workload workload, long n) {
        Map<String, Long> expected = new LinkedHashMap<>();
        switch (workload) {
            case W1 -> {
                Expected.W1 e = Expected.w1(n);
                expected.put("count", e.count());
                expected.put("sum", e.sum());
            }
            case W2 -> {
                Expected.W2 e = Expected.w2(n);
                expected.put("window_results", e.windowResults());
                expected.put("sum_of_sums", e.sumOfSums());
                expected.put("checksum", e.checksum());
            }
            case W3 -> {
                Expected.W3 e = Expected.w3(n);
                expected.put("outputs", e.outputs());
                expected.put("final_sum", e.finalSum());
                expected.put("keys", e.keys());
            }
            case W4, W5 -> expected.putAll(KafkaCountCheck.expected(n));
            case LATENCY -> throw new IllegalArgumentException("the latency workload has no correctness fields: see LatencyResult");
        }
        return expected;
    }

    static long sum(List<Summary> summaries, String field) {
        long total = 0;
        for (Summary s : summaries) {
            total += s.getLong(field);
        }
        return total;
    }

    /** Exactly one summary per subtask {@code 0..p-1}, all with the same parallelism {@code p}. */
    public static void requireOnePerSubtask(List<Summary> summaries) {
        if (summaries.isEmpty()) {
            throw new IllegalArgumentException("no summaries");
        }
        int p = summaries.get(0).parallelism();
        BitSet subtasks = new BitSet();
        for (Summary s : summaries) {
            if (s.parallelism() != p) {
                throw new IllegalArgumentException("summaries of different parallelism: " + p + " and " + s.parallelism());
            }
            if (s.subtask() < 0 || s.subtask() >= p || subtasks.get(s.subtask())) {
                throw new IllegalArgumentException("summary of subtask " + s.subtask() + " of " + p + " is out of range or repeated");
            }
            subtasks.set(s.subtask());
        }
        if (summaries.size() != p) {
            throw new IllegalArgumentException("expected " + p + " summaries (one per sink subtask), got " + summaries.size());
        }
    }
}
