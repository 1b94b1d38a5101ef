package io.flowmesh.api.dag;

import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.KeySelector;
import java.util.List;

/** An operator with one input: map, filter, flatMap, and the keyed operators. */
public final class OneInputTransformation<IN, OUT> extends Transformation<OUT> {
    private final Transformation<IN> input;
    private final OperatorKind kind;
    private final Function function;
    private final KeySelector<IN, ?> stateKeySelector;

    public OneInputTransformation(int id, String name, Transformation<IN> input, OperatorKind kind, Function function,
            KeySelector<IN, ?> stateKeySelector) {
        super(id, name);
        if (kind.isKeyed() && stateKeySelector == null) {
            throw new IllegalArgumentException(kind + " needs a keyed stream (call keyBy first)");
        }
        this.input = input;
        this.kind = kind;
        this.function = function;
        this.stateKeySelector = stateKeySelector;
    }

    public Transformation<IN> input() {
        return input;
    }

    public OperatorKind kind() {
        return kind;
    }

    public Function function() {
        return function;
    }

    /** For keyed operators: the key selector of the {@code keyBy} that feeds them; else null. */
    public KeySelector<IN, ?> stateKeySelector() {
        return stateKeySelector;
    }

    @Override
    public List<Transformation<?>> inputs() {
        return List.of(input);
    }
}
