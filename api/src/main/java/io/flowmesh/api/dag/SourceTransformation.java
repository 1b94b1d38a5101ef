package io.flowmesh.api.dag;

import io.flowmesh.api.source.Source;
import java.util.List;

/** A source: the start of a stream. */
public final class SourceTransformation<T> extends Transformation<T> {
    private final Source<T> source;

    public SourceTransformation(int id, String name, Source<T> source) {
        super(id, name);
        this.source = source;
    }

    public Source<T> source() {
        return source;
    }

    @Override
    public List<Transformation<?>> inputs() {
        return List.of();
    }
}
