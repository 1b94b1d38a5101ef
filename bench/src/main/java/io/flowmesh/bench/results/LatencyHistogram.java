package io.flowmesh.bench.results;

import java.util.Arrays;

/**
 * A fixed-size log-linear histogram of non-negative {@code long} values (latencies in microseconds),
 * in the manner of HdrHistogram with two significant decimal digits: values below 256 are counted
 * exactly; above, each power of two is split into 128 equal buckets, so a bucket's width is under
 * 1/128 (0.8 %) of its values. {@link #record} allocates nothing. Histograms of several subtasks
 * merge by adding counts ({@link #add}), which is why subtasks ship their buckets
 * ({@link #encode()}) rather than percentiles. Not thread-safe.
 */
public final class LatencyHistogram {
    private static final int LINEAR = 256;
    private static final int SUB_BUCKETS = 128;
    /** Covers every non-negative long: shifts 1..56. */
    private static final int BUCKETS = LINEAR + 56 * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    /** Counts one value; negative values (clocks a few µs apart) count as 0. */
    public void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        total++;
        if (v > max) {
            max = v;
        }
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v); // >= 8
        int shift = msb - 7; // keep the top 8 bits: 128..255
        int top = (int) (v >>> shift);
        return LINEAR + (shift - 1) * SUB_BUCKETS + (top - SUB_BUCKETS);
    }

    static long lowestValue(int index) {
        if (index < LINEAR) {
            return index;
        }
        int shift = (index - LINEAR) / SUB_BUCKETS + 1;
        long top = (index - LINEAR) % SUB_BUCKETS + SUB_BUCKETS;
        return top << shift;
    }

    static long highestValue(int index) {
        if (index < LINEAR) {
            return index;
        }
        int shift = (index - LINEAR) / SUB_BUCKETS + 1;
        return lowestValue(index) + (1L << shift) - 1;
    }

    public long count() {
        return total;
    }

    public long max() {
        return max;
    }

    /**
     * The value at {@code quantile} (0..1): the highest value of the bucket that holds the
     * {@code ceil(quantile × count)}-th smallest value (at most the recorded maximum), as
     * HdrHistogram reports; 0 when empty.
     */
    public long valueAtQuantile(double quantile) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(highestValue(i), max);
            }
        }
        return max;
    }

    /** Adds the other histogram's counts to this one. */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    /** {@code max/index:count,index:count,...} over the non-empty buckets. */
    public String encode() {
        StringBuilder b = new StringBuilder().append(max).append('/');
        boolean first = true;
        for (int i = 0; i < BUCKETS; i++) {
            if (counts[i] != 0) {
                if (!first) {
                    b.append(',');
                }
                b.append(i).append(':').append(counts[i]);
                first = false;
            }
        }
        return b.toString();
    }

    /** Parses {@link #encode()}. */
    public static LatencyHistogram decode(String text) {
        LatencyHistogram h = new LatencyHistogram();
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an encoded histogram: '" + text + "'");
        }
        h.max = Long.parseLong(text.substring(0, slash));
        String rest = text.substring(slash + 1);
        if (!rest.isEmpty()) {
            for (String part : rest.split(",")) {
                int colon = part.indexOf(':');
                int index = Integer.parseInt(part.substring(0, colon));
                long count = Long.parseLong(part.substring(colon + 1));
                h.counts[index] += count;
                h.total += count;
            }
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyHistogram h && h.total == total && h.max == max && Arrays.equals(h.counts, counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }
}
