package io.flowmesh.api.dag;

import java.util.List;

/** Several streams of one type read as one; not an operator of its own. */
public final class UnionTransformation<T> extends Transformation<T> {
    private final List<Transformation<T>> inputs;

    public UnionTransformation(int id, List<Transformation<T>> inputs) {
        super(id, "Union");
        this.inputs = List.copyOf(inputs);
    }

    @Override
    public List<Transformation<?>> inputs() {
        return List.copyOf(inputs);
    }
}
