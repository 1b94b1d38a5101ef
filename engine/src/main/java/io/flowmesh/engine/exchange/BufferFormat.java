package io.flowmesh.engine.exchange;

/**
 * The layout of a buffer: a sequence of elements, each a one-byte tag followed by its payload.
 * Records never span buffers (a record larger than the buffer size gets a buffer of its own), so a
 * reader needs no state across buffers. Events travel in-band, in order with the records.
 */
public final class BufferFormat {
    /** Followed by the record, as the edge's serializer wrote it. */
    public static final byte RECORD = 0;
    /** Followed by the watermark's timestamp (long). */
    public static final byte WATERMARK = 1;
    /** No payload; the last element of a subpartition. */
    public static final byte END_OF_PARTITION = 2;
    /** Followed by the record's timestamp (long), then the record. */
    public static final byte RECORD_WITH_TIMESTAMP = 3;
    /** Followed by one byte: 1 the producer went idle (exclude it from the watermark), 0 active again. */
    public static final byte WATERMARK_STATUS = 4;
    /** Followed by a class id (short) and the class name (string): the records after it may use the id. */
    public static final byte CLASS_DEFINITION = 5;
    /**
     * Followed by the checkpoint id (long), its trigger timestamp (long), its type (byte,
     * CheckpointType), exactly-once (boolean) and the location (string). Always the last element of
     * its buffer.
     */
    public static final byte CHECKPOINT_BARRIER = 6;

    private BufferFormat() {}
}
