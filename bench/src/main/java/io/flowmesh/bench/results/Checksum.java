package io.flowmesh.bench.results;

/**
 * W2's order-independent checksum in exact integer arithmetic modulo the Mersenne prime
 * {@code M = 2^61 − 1}: {@code term(key, windowEnd, windowSum) = ((key * 1000003 + windowEnd) * 31
 * + windowSum) mod M} and {@code checksum = (Σ term) mod M}. Every intermediate value is reduced, so
 * the result is exact for any non-negative inputs (no overflow of {@code long}).
 */
public final class Checksum {
    public static final long M = (1L << 61) - 1;

    private Checksum() {
    }

    /** {@code ((key * 1000003 + windowEnd) * 31 + windowSum) mod M}, for non-negative arguments. */
    public static long term(long key, long windowEnd, long windowSum) {
        long t = add(multiply(reduce(key), 1_000_003L), reduce(windowEnd));
        return add(multiply(t, 31), reduce(windowSum));
    }

    /** {@code (a + b) mod M} for {@code a, b} in {@code [0, M)}. */
    public static long add(long a, long b) {
        long s = a + b; // < 2^62: no overflow
        return s >= M ? s - M : s;
    }

    /** {@code x mod M} for {@code x >= 0}. */
    public static long reduce(long x) {
        long r = (x & M) + (x >>> 61);
        return r >= M ? r - M : r;
    }

    /** {@code (a * b) mod M} for {@code a, b} in {@code [0, M)}, through the 122-bit product. */
    public static long multiply(long a, long b) {
        long lo = a * b;
        long hi = Math.multiplyHigh(a, b);
        // product = hi * 2^64 + lo (unsigned lo) = (hi * 2^3 + (lo >>> 61)) * 2^61 + (lo & M), and 2^61 ≡ 1 (mod M)
        long r = (lo & M) + ((hi << 3) | (lo >>> 61));
        return reduce(r);
    }
}
