package io.flowmesh.bench.jobs;

import java.io.Serializable;

/** One W2 result: the sum of {@code value} of one key in the 1 s window that ends (exclusive) at {@code windowEnd}. */
public record WindowResult(long key, long windowEnd, long sum) implements Serializable {}
