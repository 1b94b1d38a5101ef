package io.flowmesh.api.source;

/** Where a {@link SourceReader} emits records; valid only during {@code pollNext}. */
public interface ReaderOutput<T> {
    void collect(T record);

    /** Emits a record with a timestamp the source knows (for example a Kafka record's); a watermark strategy's assigner sees it. */
    void collect(T record, long timestamp);
}
