package io.flowmesh.engine.exchange;

/**
 * A filled network buffer: {@code length} bytes of serialized elements (see {@link BufferFormat}).
 * Immutable once handed to a subpartition; ownership passes with it (never written again).
 *
 * @param endOfPartition true for the last buffer of a subpartition (it ends with END_OF_PARTITION)
 */
public record Buffer(byte[] data, int length, boolean endOfPartition) {}
