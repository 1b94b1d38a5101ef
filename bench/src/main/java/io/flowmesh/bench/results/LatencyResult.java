package io.flowmesh.bench.results;

import java.util.List;

/**
 * The latency run's figures from its sink subtasks' summaries: the merged histogram of the
 * measured records (those created after the warm-up), the number of records received, and the
 * rate at which the measured records were created (records / (last − first creation time)).
 */
public record LatencyResult(long records, long measured, double achievedRate, LatencyHistogram histogram) {

    public static LatencyResult of(List<Summary> summaries) {
        Correctness.requireOnePerSubtask(summaries);
        LatencyHistogram merged = new LatencyHistogram();
        long records = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Summary s : summaries) {
            records += s.getLong("records");
            LatencyHistogram h = LatencyHistogram.decode(s.get("histogram_us"));
            if (h.count() > 0) {
                first = Math.min(first, s.getLong("first_created_us"));
                last = Math.max(last, s.getLong("last_created_us"));
            }
            merged.add(h);
        }
        double rate = merged.count() > 1 && last > first ? (merged.count() - 1) * 1e6 / (last - first) : 0;
        return new LatencyResult(records, merged.count(), rate, merged);
    }

    /** The latency at {@code quantile} in milliseconds. */
    public double millisAt(double quantile) {
        return histogram.valueAtQuantile(quantile) / 1000.0;
    }

    public double maxMillis() {
        return histogram.max() / 1000.0;
    }
}
