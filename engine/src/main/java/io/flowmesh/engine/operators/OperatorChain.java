package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.source.Source;
import io.flowmesh.api.source.SourceReader;
import io.flowmesh.engine.graph.ChainSpec;
import io.flowmesh.engine.graph.OperatorSpec;
import io.flowmesh.engine.time.ProcessingTimeService;
import java.util.ArrayList;
import java.util.List;

/**
 * The operators of one subtask, wired head to tail by call. A chain headed by a source has a
 * {@link #sourceReader()} whose records enter at {@link #input()}; the others take their input
 * records and watermarks through {@link #input()} too. Side outputs leave only from the tail
 * (the JobGraph never chains a side output), and watermark status goes straight to the tail.
 */
public final class OperatorChain implements AutoCloseable {
    private final ChainSpec spec;
    private final RuntimeContext runtimeContext;
    private final List<StreamOperator> operators = new ArrayList<>();
    private final Output input;
    private final Output input2;
    private SourceReader<Object> sourceReader;

    /** @param tailOutput where the last operator emits (the subtask's record writers; discarding for a sink) */
    public OperatorChain(ChainSpec spec, RuntimeContext runtimeContext, ProcessingTimeService processingTime, Output tailOutput) {
        this.spec = spec;
        this.runtimeContext = runtimeContext;
        OperatorContext context = new OperatorContext(runtimeContext, processingTime);
        List<OperatorSpec> specs = spec.operators();
        int first = spec.head().kind() == OperatorSpec.Kind.SOURCE ? 1 : 0;
        Output next = tailOutput;
        for (int i = specs.size() - 1; i >= first; i--) {
            StreamOperator op = Operators.create(specs.get(i), context, next);
            operators.add(0, op);
            next = new ChainingOutput(op, tailOutput, false);
        }
        this.input = next;
        StreamOperator head = operators.isEmpty() ? null : operators.get(0);
        this.input2 = head != null && spec.head().kind().isTwoInput() ? new ChainingOutput(head, tailOutput, true) : null;
    }

    /**
     * Hands records and watermarks to the next operator by call: to its first input, or to the
     * second input of a two-input head. Watermarks go to the operator once (it has one combined
     * watermark); side outputs are never consumed inside a chain; status goes to the tail.
     */
    private record ChainingOutput(StreamOperator next, Output tail, boolean secondInput) implements Output {
        @Override
        public void emit(Object value, long timestamp) {
            if (secondInput) {
                next.processElement2(value, timestamp);
            } else {
                next.processElement(value, timestamp);
            }
        }

        @Override
        public void emitWatermark(long watermark) {
            next.processWatermark(watermark);
        }

        @Override
        public void emitSide(OutputTag<?> tag, Object value, long timestamp) {
            // nothing inside a chain consumes a side output
        }

        @Override
        public void emitStatus(boolean idle) {
            tail.emitStatus(idle);
        }
    }

    /** Where records of the second input enter a chain headed by a two-input operator; null otherwise. */
    public Output input2() {
        return input2;
    }

    public boolean isSourceChain() {
        return spec.head().kind() == OperatorSpec.Kind.SOURCE;
    }

    public OperatorSpec head() {
        return spec.head();
    }

    /** Where input records and watermarks enter the chain (for a source chain: where the reader's records go). */
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
                sourceReader = ((Source<Object>) head.function()).createReader(runtimeContext);
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
