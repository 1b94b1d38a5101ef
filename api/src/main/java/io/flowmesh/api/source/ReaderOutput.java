package io.flowmesh.api.source;

/** Where a {@link SourceReader} emits records; valid only during {@code pollNext}. */
public interface ReaderOutput<T> {
    void collect(T record);
}
