package io.flowmesh.api.eventtime;

import io.flowmesh.api.functions.Function;

/** Extracts a record's event time (epoch milliseconds); {@code recordTimestamp} is the one it already has, or {@link Long#MIN_VALUE}. */
@FunctionalInterface
public interface TimestampAssigner<T> extends Function {
    long extractTimestamp(T element, long recordTimestamp);
}
