package io.flowmesh.api.dag;

import io.flowmesh.api.functions.OutputTag;
import java.util.List;

/** The records an operator emits to a side output; not an operator of its own. */
public final class SideOutputTransformation<T> extends Transformation<T> {
    private final Transformation<?> input;
    private final OutputTag<T> tag;

    public SideOutputTransformation(int id, Transformation<?> input, OutputTag<T> tag) {
        super(id, "Side output " + tag.getId());
        this.input = input;
        this.tag = tag;
    }

    public OutputTag<T> tag() {
        return tag;
    }

    @Override
    public List<Transformation<?>> inputs() {
        return List.of(input);
    }
}
