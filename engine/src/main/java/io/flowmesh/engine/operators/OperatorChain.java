package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.source.Source;
import io.flowmesh.api.source.SourceReader;
import io.flowmesh.engine.graph.ChainSpec;
import io.flowmesh.engine.graph.OperatorSpec;
import io.flowmesh.engine.metrics.OperatorMetricGroup;
import io.flowmesh.engine.metrics.TaskMetricGroup;
import io.flowmesh.engine.time.ProcessingTimeService;
import io.flowmesh.api.serialization.RecordSerializer;
import io.flowmesh.engine.serialization.DynamicSerializer;
import io.flowmesh.engine.checkpoint.StateFileFormat;
import io.flowmesh.engine.checkpoint.StateStorage;
import io.flowmesh.engine.exchange.KeyGroupRangeAssignment;
import io.flowmesh.engine.state.HeapKeyedStateBackend;
import io.flowmesh.proto.OperatorState;
import io.flowmesh.proto.OperatorSubtaskState;
import java.util.ArrayList;
import java.util.Map;
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
    /** The operator spec of each operator in {@link #operators}, same order. */
    private final List<OperatorSpec> operatorSpecs = new ArrayList<>();
    private List<Object> restoredSourceState;
    private final TaskMetricGroup metrics;
    /** The runtime context a source reader is created with (its metric group is the source operator's). */
    private final RuntimeContext sourceContext;

    /** @param tailOutput where the last operator emits (the subtask's record writers; discarding for a sink) */
    public OperatorChain(ChainSpec spec, RuntimeContext runtimeContext, ProcessingTimeService processingTime, Output tailOutput) {
        this(spec, runtimeContext, processingTime, tailOutput, new TaskMetricGroup(runtimeContext.jobId(), "", spec.head().operatorId(),
                spec.head().name(), runtimeContext.subtaskIndex(), runtimeContext.attempt()));
    }

    /**
     * @param tailOutput where the last operator emits (the subtask's record writers; discarding for a sink)
     * @param metrics the subtask's metric group: the chain adds one operator group per operator (the source first) and
     *     counts the records and watermarks passed between them
     */
    public OperatorChain(ChainSpec spec, RuntimeContext runtimeContext, ProcessingTimeService processingTime, Output tailOutput,
            TaskMetricGroup metrics) {
        this.spec = spec;
        this.runtimeContext = runtimeContext;
        this.metrics = metrics;
        List<OperatorSpec> specs = spec.operators();
        int first = spec.head().kind() == OperatorSpec.Kind.SOURCE ? 1 : 0;
        OperatorMetricGroup[] groups = new OperatorMetricGroup[specs.size()];
        for (int i = 0; i < specs.size(); i++) {
            groups[i] = metrics.addOperator(specs.get(i).operatorId(), specs.get(i).name());
        }
        if (first == 1) {
            groups[0].markSource();
            sourceContext = new OperatorRuntimeContext(runtimeContext, groups[0]);
        } else {
            sourceContext = runtimeContext;
        }
        Output next = new TailOutput(tailOutput, groups[groups.length - 1]);
        for (int i = specs.size() - 1; i >= first; i--) {
            OperatorContext context = new OperatorContext(new OperatorRuntimeContext(runtimeContext, groups[i]), processingTime);
            StreamOperator op = Operators.create(specs.get(i), context, next);
            operators.add(0, op);
            operatorSpecs.add(0, specs.get(i));
            OperatorMetricGroup from = i > 0 ? groups[i - 1] : new OperatorMetricGroup("", "network input");
            next = new ChainingOutput(op, tailOutput, from, groups[i], false);
        }
        this.input = next;
        StreamOperator head = operators.isEmpty() ? null : operators.get(0);
        this.input2 = head != null && spec.head().kind().isTwoInput()
                ? new ChainingOutput(head, tailOutput, new OperatorMetricGroup("", "network input 2"), groups[0], true) : null;
    }

    /** The subtask's metric group (this chain added the operators' groups). */
    public TaskMetricGroup metrics() {
        return metrics;
    }

    /**
     * Hands records and watermarks to the next operator by call: to its first input, or to the
     * second input of a two-input head. Watermarks go to the operator once (it has one combined
     * watermark); side outputs are never consumed inside a chain; status goes to the tail. Counts
     * each record out of {@code from} and into {@code to} (plain increments on the subtask's thread).
     */
    private record ChainingOutput(StreamOperator next, Output tail, OperatorMetricGroup from, OperatorMetricGroup to, boolean secondInput)
            implements Output {
        @Override
        public void emit(Object value, long timestamp) {
            from.recordOut();
            to.recordIn();
            if (secondInput) {
                next.processElement2(value, timestamp);
            } else {
                next.processElement(value, timestamp);
            }
        }

        @Override
        public void emitWatermark(long watermark) {
            from.outputWatermark(watermark);
            to.inputWatermark(watermark);
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

    /** The last operator's output: counts its records (main and side) and watermarks, then hands them to the subtask's writers. */
    private record TailOutput(Output tail, OperatorMetricGroup from) implements Output {
        @Override
        public void emit(Object value, long timestamp) {
            from.recordOut();
            tail.emit(value, timestamp);
        }

        @Override
        public void emitWatermark(long watermark) {
            from.outputWatermark(watermark);
            tail.emitWatermark(watermark);
        }

        @Override
        public void emitSide(OutputTag<?> tag, Object value, long timestamp) {
            from.recordOut();
            tail.emitSide(tag, value, timestamp);
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

    /** True when an operator of the chain {@linkplain StreamOperator#waitsForWatermarks() waits for watermarks}. */
    public boolean waitsForWatermarks() {
        for (StreamOperator op : operators) {
            if (op.waitsForWatermarks()) {
                return true;
            }
        }
        return false;
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
                Source<Object> source = (Source<Object>) head.function();
                sourceReader = restoredSourceState == null ? source.createReader(sourceContext) : source.restoreReader(sourceContext, restoredSourceState);
            } catch (Exception e) {
                throw OperatorException.of(head.name(), e);
            }
        }
        for (StreamOperator op : operators) {
            op.open();
        }
    }

    /** Serializes every snapshot of this chain (task thread only): its class knowledge outlives each file. */
    private DynamicSerializer snapshotSerializer;

    /** One operator's part of a checkpoint: its state file, not yet uploaded. */
    public record OperatorSnapshot(String operatorId, int keyGroupStart, int keyGroupEnd, byte[] bytes) {}

    /**
     * The synchronous part of a checkpoint, at the barrier: every stateful operator's state (the
     * source reader's position included) serialized into its state file, a consistent copy that
     * the caller may upload while processing goes on. Stateless operators are left out.
     */
    public List<OperatorSnapshot> snapshotState(long checkpointId, ClassLoader classLoader, Map<String, RecordSerializer<?>> registered)
            throws Exception {
        List<OperatorSnapshot> result = new ArrayList<>();
        int maxParallelism = runtimeContext.maxParallelism();
        int start = KeyGroupRangeAssignment.keyGroupRangeStart(maxParallelism, runtimeContext.parallelism(), runtimeContext.subtaskIndex());
        int end = KeyGroupRangeAssignment.keyGroupRangeEnd(maxParallelism, runtimeContext.parallelism(), runtimeContext.subtaskIndex());
        if (snapshotSerializer == null) {
            snapshotSerializer = new DynamicSerializer(classLoader, registered);
        }
        if (sourceReader != null) {
            StateFileFormat.Writer w = new StateFileFormat.Writer(snapshotSerializer, maxParallelism);
            try {
                w.addOperatorState(sourceReader.snapshotState(checkpointId));
            } catch (Exception e) {
                throw OperatorException.of(spec.head().name(), e);
            }
            if (!w.isEmpty()) {
                result.add(new OperatorSnapshot(spec.head().operatorId(), -1, -1, w.toBytes()));
            }
        }
        for (int i = 0; i < operators.size(); i++) {
            StreamOperator op = operators.get(i);
            StateFileFormat.Writer w = new StateFileFormat.Writer(snapshotSerializer, maxParallelism);
            w.addOperatorState(op.snapshotOperatorState(checkpointId));
            HeapKeyedStateBackend backend = op.keyedStateBackend();
            if (backend != null) {
                backend.snapshot(w);
            }
            if (!w.isEmpty()) {
                result.add(new OperatorSnapshot(operatorSpecs.get(i).operatorId(), backend == null ? -1 : start, backend == null ? -1 : end,
                        w.toBytes()));
            }
        }
        return result;
    }

    /**
     * Before {@link #open}: loads the state this subtask owns from the previous run's files of each
     * operator — the union of every operator-state list, and the keyed entries of this subtask's
     * key groups (the previous run may have had another parallelism).
     *
     * @throws IllegalStateException naming the operator when the state cannot be taken back
     */
    public void restoreState(List<OperatorState> restored, StateStorage storage, ClassLoader classLoader,
            Map<String, RecordSerializer<?>> registered) throws Exception {
        int maxParallelism = runtimeContext.maxParallelism();
        int start = KeyGroupRangeAssignment.keyGroupRangeStart(maxParallelism, runtimeContext.parallelism(), runtimeContext.subtaskIndex());
        int end = KeyGroupRangeAssignment.keyGroupRangeEnd(maxParallelism, runtimeContext.parallelism(), runtimeContext.subtaskIndex());
        for (OperatorState state : restored) {
            String id = state.getOperatorId();
            boolean isSource = isSourceChain() && spec.head().operatorId().equals(id);
            int index = -1;
            for (int i = 0; i < operatorSpecs.size(); i++) {
                if (operatorSpecs.get(i).operatorId().equals(id)) {
                    index = i;
                }
            }
            if (!isSource && index < 0) {
                continue; // not in this chain
            }
            StreamOperator op = index < 0 ? null : operators.get(index);
            String name = isSource ? spec.head().name() : operatorSpecs.get(index).name();
            HeapKeyedStateBackend backend = op == null ? null : op.keyedStateBackend();
            boolean hasKeyedState = state.getSubtasksList().stream().anyMatch(s -> s.getKeyGroupStart() >= 0);
            if (hasKeyedState && state.getMaxParallelism() != maxParallelism) {
                throw new IllegalStateException("cannot restore the keyed state of " + name + " (operator " + id + "): it was written with max parallelism "
                        + state.getMaxParallelism() + ", the job now has " + maxParallelism + " (the max parallelism must not change)");
            }
            List<Object> union = new ArrayList<>();
            for (OperatorSubtaskState handle : state.getSubtasksList()) {
                boolean overlaps = handle.getKeyGroupStart() >= 0 && handle.getKeyGroupStart() <= end && handle.getKeyGroupEnd() >= start;
                boolean inline = handle.getUri().isEmpty();
                byte[] bytes = inline ? handle.getInlineState().toByteArray() : storage.read(handle.getUri());
                String source = inline ? "the inline state of subtask " + handle.getSubtaskIndex() + " of operator " + id : handle.getUri();
                StateFileFormat.read(source, bytes, classLoader, registered, overlaps ? start : Integer.MAX_VALUE, overlaps ? end : -1,
                        new StateFileFormat.RestoreTarget() {
                            @Override
                            public void operatorState(Object entry) {
                                union.add(entry);
                            }

                            @Override
                            public void keyed(String component, Object key, Object[] fields) {
                                if (backend == null) {
                                    throw new IllegalStateException("the checkpoint holds keyed state for " + name + " (operator " + id
                                            + "), which has no keyed state now");
                                }
                                backend.restore(component, key, fields);
                            }
                        });
            }
            if (isSource) {
                restoredSourceState = union;
            } else {
                op.restoreOperatorState(union);
            }
        }
    }

    /** Checkpoint {@code checkpointId} is complete: tells the source reader and every operator, head first. */
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        if (sourceReader != null) {
            try {
                sourceReader.notifyCheckpointComplete(checkpointId);
            } catch (Exception e) {
                throw OperatorException.of(spec.head().name(), e);
            }
        }
        for (StreamOperator op : operators) {
            op.notifyCheckpointComplete(checkpointId);
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
