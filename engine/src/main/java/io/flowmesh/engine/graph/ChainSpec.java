package io.flowmesh.engine.graph;

import java.io.Serializable;
import java.util.List;

/** The operators of one JobVertex, head first; each feeds the next by call. */
public record ChainSpec(List<OperatorSpec> operators) implements Serializable {
    public ChainSpec {
        if (operators.isEmpty()) {
            throw new IllegalArgumentException("an operator chain needs at least one operator");
        }
        operators = List.copyOf(operators);
    }

    public OperatorSpec head() {
        return operators.get(0);
    }
}
