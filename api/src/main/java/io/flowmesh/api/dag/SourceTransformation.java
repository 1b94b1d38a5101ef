package io.flowmesh.api.dag;

import io.flowmesh.api.eventtime.WatermarkStrategy;
import io.flowmesh.api.source.Source;
import java.util.List;

/** A source: the start of a stream. */
public final class SourceTransformation<T> extends Transformation<T> {
    private final Source<T> source;
    private final WatermarkStrategy<T> watermarkStrategy;

    public SourceTransformation(int id, String name, Source<T> source, WatermarkStrategy<T> watermarkStrategy) {
        super(id, name);
        this.source = source;
        this.watermarkStrategy = watermarkStrategy;
    }

    /** Null: records carry no timestamps and the source emits no watermarks (but the final one). */
    public WatermarkStrategy<T> watermarkStrategy() {
        return watermarkStrategy;
    }

    public Source<T> source() {
        return source;
    }

    @Override
    public List<Transformation<?>> inputs() {
        return List.of();
    }
}
