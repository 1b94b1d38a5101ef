package io.flowmesh.engine.exchange;

/**
 * Flink's key-group arithmetic: a key belongs to key group {@code murmur(key.hashCode()) % maxParallelism},
 * and key group {@code g} to subtask {@code g * parallelism / maxParallelism}. Keyed state is kept per
 * key group, so a job can change its parallelism and move whole key groups between subtasks.
 */
public final class KeyGroupRangeAssignment {
    private KeyGroupRangeAssignment() {}

    public static int assignToKeyGroup(Object key, int maxParallelism) {
        return computeKeyGroupForKeyHash(key.hashCode(), maxParallelism);
    }

    public static int computeKeyGroupForKeyHash(int keyHash, int maxParallelism) {
        return murmurHash(keyHash) % maxParallelism;
    }

    public static int computeOperatorIndexForKeyGroup(int maxParallelism, int parallelism, int keyGroup) {
        return keyGroup * parallelism / maxParallelism;
    }

    /** The first key group of subtask {@code index} (the inverse of {@link #computeOperatorIndexForKeyGroup}). */
    public static int keyGroupRangeStart(int maxParallelism, int parallelism, int index) {
        return (index * maxParallelism + parallelism - 1) / parallelism;
    }

    /** The last key group (inclusive) of subtask {@code index}. */
    public static int keyGroupRangeEnd(int maxParallelism, int parallelism, int index) {
        return ((index + 1) * maxParallelism - 1) / parallelism;
    }

    public static int assignKeyToParallelOperator(Object key, int maxParallelism, int parallelism) {
        return computeOperatorIndexForKeyGroup(maxParallelism, parallelism, assignToKeyGroup(key, maxParallelism));
    }

    /** MurmurHash3 (32 bit, seed 0) of a single int, made non-negative, as Flink's {@code MathUtils.murmurHash}. */
    public static int murmurHash(int code) {
        int h = code * 0xcc9e2d51;
        h = Integer.rotateLeft(h, 15);
        h *= 0x1b873593;
        h = Integer.rotateLeft(h, 13);
        h = h * 5 + 0xe6546b64;
        h ^= 4;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        if (h >= 0) {
            return h;
        } else if (h != Integer.MIN_VALUE) {
            return -h;
        } else {
            return 0;
        }
    }
}
