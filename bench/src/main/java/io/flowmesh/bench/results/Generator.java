package io.flowmesh.bench.results;

/**
 * The record generator of {@code BENCHMARKS.md}: record {@code i} of {@code [0, N)} has
 * {@code key = (i*31 + 7) mod 1000}, {@code value = i mod 1000}, {@code ts_ms = i / 10}. The jobs
 * and the expected-value loops both use these three functions and nothing else of each other.
 */
public final class Generator {
    /** Number of distinct keys: every 1000 consecutive {@code i} hit every key once. */
    public static final int KEYS = 1000;

    private Generator() {
    }

    public static long key(long i) {
        return (i * 31 + 7) % 1000;
    }

    public static long value(long i) {
        return i % 1000;
    }

    public static long timestampMillis(long i) {
        return i / 10;
    }
}
