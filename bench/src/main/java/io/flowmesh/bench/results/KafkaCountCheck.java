package io.flowmesh.bench.results;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * W4/W5's check of the output topic, as a {@code read_committed} consumer sees it: every record is
 * (key, running count). Fields: {@code out_records} (= N), {@code duplicate_pairs} (a (key, count)
 * seen twice; 0), {@code out_of_range} (a count outside [1, n_k] or an unknown key; 0) and
 * {@code keys_complete} (keys whose largest count is n_k; = the number of keys in the input).
 * Memory: one bit per possible (key, count). Not thread-safe.
 */
public final class KafkaCountCheck {
    private final long[] expectedPerKey;
    private final BitSet[] seen;
    private final long[] maxCount;
    private long records;
    private long duplicates;
    private long outOfRange;

    /** For an input of {@code n} generator records. */
    public KafkaCountCheck(long n) {
        this.expectedPerKey = perKey(n);
        this.seen = new BitSet[Generator.KEYS];
        this.maxCount = new long[Generator.KEYS];
    }

    /** n_k for every key, by a plain loop over the generator. */
    static long[] perKey(long n) {
        long[] perKey = new long[Generator.KEYS];
        for (long i = 0; i < n; i++) {
            perKey[(int) Generator.key(i)]++;
        }
        return perKey;
    }

    /** One output record; {@code key} and {@code count} as the sink wrote them (ASCII decimal), parsed. */
    public void accept(long key, long count) {
        records++;
        if (key < 0 || key >= Generator.KEYS || count < 1 || count > expectedPerKey[(int) key]) {
            outOfRange++;
            return;
        }
        int k = (int) key;
        if (seen[k] == null) {
            seen[k] = new BitSet((int) expectedPerKey[k] + 1);
        }
        if (seen[k].get((int) count)) {
            duplicates++;
        } else {
            seen[k].set((int) count);
        }
        maxCount[k] = Math.max(maxCount[k], count);
    }

    public long records() {
        return records;
    }

    /** The fields as the JSON line shows them. */
    public Map<String, Long> actual() {
        long complete = 0;
        for (int k = 0; k < Generator.KEYS; k++) {
            if (expectedPerKey[k] > 0 && maxCount[k] == expectedPerKey[k]) {
                complete++;
            }
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("out_records", records);
        m.put("duplicate_pairs", duplicates);
        m.put("out_of_range", outOfRange);
        m.put("keys_complete", complete);
        return m;
    }

    /** What {@link #actual()} must be for an input of {@code n} records, by plain loops. */
    public static Map<String, Long> expected(long n) {
        long[] perKey = perKey(n);
        long keys = 0;
        for (long c : perKey) {
            if (c > 0) {
                keys++;
            }
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("out_records", n);
        m.put("duplicate_pairs", 0L);
        m.put("out_of_range", 0L);
        m.put("keys_complete", keys);
        return m;
    }

    public Correctness correctness(long n) {
        return new Correctness(actual(), expected(n));
    }
}
