package io.flowmesh.api.source;

/** Where a {@link SourceReader} emits records; valid only during {@code pollNext}. */
public interface ReaderOutput<T> {
    void collect(T record);

    /** Emits a record with a timestamp the source knows (for example a Kafka record's); a watermark strategy's assigner sees it. */
    void collect(T record, long timestamp);

    /**
     * An output for one split (a Kafka partition, a file) with a watermark generator of its own, as
     * Flink's {@code ReaderOutput.createOutputForSplit}: the source's watermark is then the minimum over
     * its splits (idle splits left out), so one split that lags does not make the others' records
     * late. Calling it again for the same split returns the same output.
     */
    default ReaderOutput<T> createOutputForSplit(String splitId) {
        return this;
    }

    /** The split is finished or gone: it no longer holds the watermark back. */
    default void releaseOutputForSplit(String splitId) {}
}
