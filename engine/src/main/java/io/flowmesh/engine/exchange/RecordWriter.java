package io.flowmesh.engine.exchange;

import io.flowmesh.engine.metrics.TaskMetricGroup;
import io.flowmesh.engine.serialization.DataOutputSerializer;
import io.flowmesh.engine.serialization.DynamicSerializer;

/**
 * Serializes one subtask's output records into per-subpartition buffers of {@code bufferSize}
 * bytes and hands a buffer to its subpartition when it is full or flushed. Used only by the
 * producing subtask's thread.
 *
 * <p>Each record is serialized once into a reused scratch array and copied into its target
 * buffer(s); no allocation per record apart from a new buffer every {@code bufferSize} bytes.
 */
public final class RecordWriter {
    /** The timestamp of a record that has none. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private final ResultSubpartition[] subpartitions;
    private final ChannelSelector selector;
    private final DynamicSerializer serializer;
    private final DataOutputSerializer definitions = new DataOutputSerializer(128);
    private final int bufferSize;
    private final DataOutputSerializer scratch = new DataOutputSerializer(256);
    private final byte[][] current;
    private final int[] positions;
    private long recordsOut;
    private TaskMetricGroup metrics;

    /** @param serializer this writer's own (it tracks which classes were announced on this writer's stream) */
    public RecordWriter(ResultSubpartition[] subpartitions, ChannelSelector selector, DynamicSerializer serializer, int bufferSize) {
        this.subpartitions = subpartitions;
        this.selector = selector;
        this.serializer = serializer;
        this.bufferSize = bufferSize;
        this.current = new byte[subpartitions.length][];
        this.positions = new int[subpartitions.length];
    }

    /** The producing subtask's metrics, whose backpressured time grows while a full subpartition makes this writer wait. */
    public RecordWriter withMetrics(TaskMetricGroup metrics) {
        this.metrics = metrics;
        return this;
    }

    /** Same as {@link #emit(Object, long)} without a timestamp. */
    public void emit(Object record) throws Exception {
        emit(record, NO_TIMESTAMP);
    }

    /** A timestamp of {@link #NO_TIMESTAMP} means none. */
    public void emit(Object record, long timestamp) throws Exception {
        scratch.clear();
        if (timestamp == NO_TIMESTAMP) {
            scratch.writeByte(BufferFormat.RECORD);
        } else {
            scratch.writeByte(BufferFormat.RECORD_WITH_TIMESTAMP);
            scratch.writeLong(timestamp);
        }
        serializer.serialize(record, scratch);
        if (serializer.hasDefinitions()) {
            announce(serializer.takeDefinitions());
        }
        if (selector.isBroadcast()) {
            for (int i = 0; i < subpartitions.length; i++) {
                copyInto(i);
            }
        } else {
            copyInto(selector.select(record));
        }
        recordsOut++;
    }

    /** Sends class definitions to every subpartition, ahead of the first record that uses them. */
    private void announce(java.util.List<DynamicSerializer.Definition> defs) throws InterruptedException {
        for (DynamicSerializer.Definition d : defs) {
            definitions.clear();
            definitions.writeByte(BufferFormat.CLASS_DEFINITION);
            definitions.writeShort(d.id());
            definitions.writeString(d.className());
            for (int i = 0; i < subpartitions.length; i++) {
                copyInto(i, definitions);
            }
        }
    }

    /** Sends a watermark to every subpartition, in order with the records. */
    public void broadcastWatermark(long watermark) throws InterruptedException {
        scratch.clear();
        scratch.writeByte(BufferFormat.WATERMARK);
        scratch.writeLong(watermark);
        for (int i = 0; i < subpartitions.length; i++) {
            copyInto(i);
        }
    }

    /**
     * Sends checkpoint barrier {@code id} to every subpartition, behind everything emitted so far,
     * as the last element of its buffer (flushed at once): a consumer that aligns can hold the
     * channel back right after the barrier without holding back records that came before it.
     */
    public void broadcastBarrier(io.flowmesh.engine.checkpoint.CheckpointBarrier barrier) throws InterruptedException {
        scratch.clear();
        scratch.writeByte(BufferFormat.CHECKPOINT_BARRIER);
        scratch.writeLong(barrier.id());
        scratch.writeLong(barrier.timestamp());
        scratch.writeByte(barrier.type().getNumber());
        scratch.writeBoolean(barrier.exactlyOnce());
        scratch.writeString(barrier.location());
        for (int i = 0; i < subpartitions.length; i++) {
            copyInto(i);
            flush(i);
        }
    }

    /** Tells every consumer that this producer is idle (true) or active again (false). */
    public void broadcastStatus(boolean idle) throws InterruptedException {
        scratch.clear();
        scratch.writeByte(BufferFormat.WATERMARK_STATUS);
        scratch.writeByte(idle ? 1 : 0);
        for (int i = 0; i < subpartitions.length; i++) {
            copyInto(i);
        }
    }

    private void copyInto(int channel) throws InterruptedException {
        copyInto(channel, scratch);
    }

    private void copyInto(int channel, DataOutputSerializer source) throws InterruptedException {
        int len = source.length();
        byte[] buffer = current[channel];
        if (buffer != null && positions[channel] + len > buffer.length) {
            flush(channel);
            buffer = null;
        }
        if (buffer == null) {
            buffer = current[channel] = new byte[Math.max(bufferSize, len)];
        }
        System.arraycopy(source.array(), 0, buffer, positions[channel], len);
        positions[channel] += len;
    }

    /** Hands the channel's partial buffer to its subpartition (may block on backpressure). */
    public void flush(int channel) throws InterruptedException {
        if (positions[channel] > 0) {
            subpartitions[channel].add(new Buffer(current[channel], positions[channel], false), metrics);
            current[channel] = null;
            positions[channel] = 0;
        }
    }

    public void flushAll() throws InterruptedException {
        for (int i = 0; i < subpartitions.length; i++) {
            flush(i);
        }
    }

    /** Sends END_OF_PARTITION on every subpartition, after everything emitted so far. */
    public void finish() throws InterruptedException {
        for (int i = 0; i < subpartitions.length; i++) {
            byte[] buffer = current[i];
            if (buffer == null || positions[i] + 1 > buffer.length) {
                flush(i);
                buffer = current[i] = new byte[1];
            }
            buffer[positions[i]++] = BufferFormat.END_OF_PARTITION;
            subpartitions[i].add(new Buffer(buffer, positions[i], true), metrics);
            current[i] = null;
            positions[i] = 0;
        }
    }

    public long recordsOut() {
        return recordsOut;
    }
}
