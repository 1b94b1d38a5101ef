package io.flowmesh.api.dag;

import io.flowmesh.api.sink.Sink;
import java.util.List;

/** A sink: the end of a stream. */
public final class SinkTransformation<T> extends Transformation<Void> {
    private final Transformation<T> input;
    private final Sink<T> sink;

    public SinkTransformation(int id, String name, Transformation<T> input, Sink<T> sink) {
        super(id, name);
        this.input = input;
        this.sink = sink;
    }

    public Transformation<T> input() {
        return input;
    }

    public Sink<T> sink() {
        return sink;
    }

    @Override
    public List<Transformation<?>> inputs() {
        return List.of(input);
    }
}
