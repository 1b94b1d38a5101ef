package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.source.Source;
import io.flowmesh.api.source.SourceReader;
import io.flowmesh.engine.graph.ChainSpec;
import io.flowmesh.engine.graph.OperatorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The operators of one subtask, wired head to tail by call. A chain headed by a source has a
 * {@link #sourceReader()}; the others take their input through {@link #input()}.
 */
public final class OperatorChain implements AutoCloseable {
    private final ChainSpec spec;
    private final RuntimeContext context;
    private final List<StreamOperator> operators = new ArrayList<>();
    private final Output input;
    private SourceReader<Object> sourceReader;

    /** @param tailOutput where the last operator emits (the subtask's record writers; discarding for a sink) */
    public OperatorChain(ChainSpec spec, RuntimeContext context, Output tailOutput) {
        this.spec = spec;
        this.context = context;
        List<OperatorSpec> specs = spec.operators();
        int first = spec.head().kind() == OperatorSpec.Kind.SOURCE ? 1 : 0;
        Output next = tailOutput;
        for (int i = specs.size() - 1; i >= first; i--) {
            StreamOperator op = Operators.create(specs.get(i), context, next);
            operators.add(0, op);
            next = op::processElement;
        }
        this.input = next;
    }

    public boolean isSourceChain() {
        return spec.head().kind() == OperatorSpec.Kind.SOURCE;
    }

    /** Where input records enter the chain (for a source chain: where the reader's records go). */
    public Output input() {
        return input;
    }

    public SourceReader<Object> sourceReader() {
        return sourceReader;
    }

    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        if (isSourceChain()) {
            OperatorSpec head = spec.head();
            try {
                sourceReader = ((Source<Object>) head.function()).createReader(context);
            } catch (Exception e) {
                throw OperatorException.of(head.name(), e);
            }
        }
        for (StreamOperator op : operators) {
            op.open();
        }
    }

    /** End of input: finishes the operators head to tail, so each can emit what it still holds. */
    public void finish() throws Exception {
        for (StreamOperator op : operators) {
            op.finish();
        }
    }

    /** Closes everything, keeping the first failure and adding the others to it. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        if (sourceReader != null) {
            try {
                sourceReader.close();
            } catch (Exception e) {
                first = e;
            }
        }
        for (StreamOperator op : operators) {
            try {
                op.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
