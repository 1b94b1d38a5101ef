package io.flowmesh.bench.results;

/**
 * The correctness values of W1, W2 and W3, computed by plain loops over the generator, in one
 * thread, independently of the engine (and of the jobs: only {@link Generator} is shared). Each
 * method takes time linear in {@code n} (about a second per 500 million records) and constant memory.
 */
public final class Expected {

    private Expected() {
    }

    /** W1: count and sum of {@code value*2} over the records whose doubled value is not a multiple of 3. */
    public record W1(long count, long sum) {}

    /** W2: number of (key, 1 s window) results, the sum of their sums, and their checksum. */
    public record W2(long windowResults, long sumOfSums, long checksum) {}

    /** W3: outputs of the running reduce (one per input), Σ over keys of the final sum, and the number of keys. */
    public record W3(long outputs, long finalSum, long keys) {}

    public static W1 w1(long n) {
        long count = 0;
        long sum = 0;
        for (long i = 0; i < n; i++) {
            long v = Generator.value(i) * 2;
            if (v % 3 != 0) {
                count++;
                sum += v;
            }
        }
        return new W1(count, sum);
    }

    /**
     * Tumbling 1 s event-time windows aligned to epoch 0: record {@code i} falls in
     * {@code [floor(ts/1000)*1000, +1000)}. Timestamps never decrease with {@code i}, so the loop
     * keeps one window's sums per key and closes the window when {@code i} leaves it.
     */
    public static W2 w2(long n) {
        long[] sums = new long[Generator.KEYS];
        boolean[] seen = new boolean[Generator.KEYS];
        long windowStart = 0;
        long results = 0;
        long sumOfSums = 0;
        long checksum = 0;
        for (long i = 0; i < n; i++) {
            long start = Generator.timestampMillis(i) / 1000 * 1000;
            if (start != windowStart) {
                for (int k = 0; k < Generator.KEYS; k++) {
                    if (seen[k]) {
                        results++;
                        sumOfSums += sums[k];
                        checksum = Checksum.add(checksum, Checksum.term(k, windowStart + 1000, sums[k]));
                        seen[k] = false;
                        sums[k] = 0;
                    }
                }
                windowStart = start;
            }
            int key = (int) Generator.key(i);
            seen[key] = true;
            sums[key] += Generator.value(i);
        }
        for (int k = 0; k < Generator.KEYS; k++) {
            if (seen[k]) {
                results++;
                sumOfSums += sums[k];
                checksum = Checksum.add(checksum, Checksum.term(k, windowStart + 1000, sums[k]));
            }
        }
        return new W2(results, sumOfSums, checksum);
    }

    /** A running sum per key emits one output per input; values are non-negative, so a key's final sum is its largest. */
    public static W3 w3(long n) {
        long[] sums = new long[Generator.KEYS];
        boolean[] seen = new boolean[Generator.KEYS];
        for (long i = 0; i < n; i++) {
            int key = (int) Generator.key(i);
            seen[key] = true;
            sums[key] += Generator.value(i);
        }
        long finalSum = 0;
        long keys = 0;
        for (int k = 0; k < Generator.KEYS; k++) {
            finalSum += sums[k];
            keys += seen[k] ? 1 : 0;
        }
        return new W3(n, finalSum, keys);
    }
}
