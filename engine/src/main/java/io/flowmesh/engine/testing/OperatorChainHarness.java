package io.flowmesh.engine.testing;

import io.flowmesh.engine.checkpoint.StateStorage;
import io.flowmesh.proto.OperatorState;
import io.flowmesh.proto.OperatorSubtaskState;

import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.engine.graph.ChainSpec;
import io.flowmesh.engine.graph.OperatorSpec;
import io.flowmesh.engine.operators.OperatorChain;
import io.flowmesh.engine.operators.Output;
import io.flowmesh.engine.serialization.JavaSerialization;
import io.flowmesh.engine.task.TaskRuntimeContext;
import io.flowmesh.engine.time.ProcessingTimeService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Drives an operator chain without a job, as Kafka Streams' {@code TopologyTestDriver} or Flink's
 * operator test harnesses do: push records with timestamps and watermarks, move a manual
 * processing-time clock, end the input, and read exactly what came out — records with their
 * timestamps, watermarks and side-output records, in order. The operators (and their functions) are
 * serialized and deserialized first, as on a TaskManager, so a function that would not survive the
 * trip fails here too.
 *
 * <pre>{@code
 * try (var h = OperatorChainHarness.forOperator(OperatorSpec.Kind.KEYED_PROCESS, new MyFunction(), t -> t.f0)) {
 *     h.processElement(Tuple2.of("a", 1L), 10);
 *     h.processWatermark(20);
 *     assertThat(h.records()).containsExactly(...);
 * }
 * }</pre>
 */
public final class OperatorChainHarness implements AutoCloseable {

    /** One thing the chain emitted. */
    public sealed interface Emitted permits Emitted.Record, Emitted.Watermark, Emitted.SideRecord, Emitted.Status {
        record Record(Object value, long timestamp) implements Emitted {}

        record Watermark(long timestamp) implements Emitted {}

        record SideRecord(String tag, Object value, long timestamp) implements Emitted {}

        record Status(boolean idle) implements Emitted {}
    }

    private final List<Emitted> emitted = new ArrayList<>();
    private long now;
    private final ProcessingTimeService processingTime = new ProcessingTimeService(() -> now);
    private final OperatorChain chain;
    private final int subtaskIndex;

    public OperatorChainHarness(ChainSpec spec, Map<String, String> configuration) throws Exception {
        this(spec, configuration, 0, 1, 128, List.of(), null);
    }

    /**
     * A harness for subtask {@code subtaskIndex} of {@code parallelism}, restored from
     * {@code restored} (state files in {@code storage}) when that is not empty.
     */
    public OperatorChainHarness(ChainSpec spec, Map<String, String> configuration, int subtaskIndex, int parallelism, int maxParallelism,
            List<OperatorState> restored, StateStorage storage) throws Exception {
        ChainSpec copy = JavaSerialization.deserialize(JavaSerialization.serialize(spec), Thread.currentThread().getContextClassLoader());
        Output collecting = new Output() {
            @Override
            public void emit(Object value, long timestamp) {
                emitted.add(new Emitted.Record(value, timestamp));
            }

            @Override
            public void emitWatermark(long watermark) {
                emitted.add(new Emitted.Watermark(watermark));
            }

            @Override
            public void emitSide(OutputTag<?> tag, Object value, long timestamp) {
                emitted.add(new Emitted.SideRecord(tag.getId(), value, timestamp));
            }

            @Override
            public void emitStatus(boolean idle) {
                emitted.add(new Emitted.Status(idle));
            }
        };
        this.subtaskIndex = subtaskIndex;
        this.chain = new OperatorChain(copy, new TaskRuntimeContext("test-job", "harness", subtaskIndex, parallelism, maxParallelism, 0, configuration),
                processingTime, collecting);
        if (!restored.isEmpty()) {
            chain.restoreState(restored, storage, Thread.currentThread().getContextClassLoader(), Map.of());
        }
        chain.open();
    }

    /**
     * Takes checkpoint {@code checkpointId} as a subtask would at the barrier, writes the state
     * files under {@code location} in {@code storage}, and returns their handles.
     */
    public List<OperatorSubtaskState> snapshot(long checkpointId, String location, StateStorage storage) throws Exception {
        List<OperatorSubtaskState> handles = new ArrayList<>();
        for (OperatorChain.OperatorSnapshot snap : chain.snapshotState(checkpointId, Thread.currentThread().getContextClassLoader(), Map.of())) {
            String uri = location + "/" + snap.operatorId() + "-" + subtaskIndex;
            storage.write(uri, snap.bytes());
            handles.add(OperatorSubtaskState.newBuilder().setOperatorId(snap.operatorId()).setSubtaskIndex(subtaskIndex).setUri(uri)
                    .setSizeBytes(snap.bytes().length).setKeyGroupStart(snap.keyGroupStart()).setKeyGroupEnd(snap.keyGroupEnd()).build());
        }
        return handles;
    }

    /** What a coordinator's {@code _metadata} would list: the handles of every subtask, grouped by operator. */
    public static List<OperatorState> operatorStates(List<OperatorSubtaskState> allSubtasks, int parallelism, int maxParallelism) {
        Map<String, OperatorState.Builder> byOperator = new java.util.LinkedHashMap<>();
        for (OperatorSubtaskState h : allSubtasks) {
            byOperator.computeIfAbsent(h.getOperatorId(), id -> OperatorState.newBuilder().setOperatorId(id).setParallelism(parallelism)
                    .setMaxParallelism(maxParallelism)).addSubtasks(h);
        }
        return byOperator.values().stream().map(OperatorState.Builder::build).toList();
    }

    /** The chain's metrics: one operator group per operator, head first. */
    public io.flowmesh.engine.metrics.TaskMetricGroup metrics() {
        return chain.metrics();
    }

    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        chain.notifyCheckpointComplete(checkpointId);
    }

    /** A harness around one operator; {@code keySelector} for keyed kinds, else null. */
    public static OperatorChainHarness forOperator(OperatorSpec.Kind kind, Function function, KeySelector<?, ?> keySelector) throws Exception {
        return new OperatorChainHarness(new ChainSpec(List.of(new OperatorSpec("op", kind.name(), kind, function, keySelector, null, null))), Map.of());
    }

    public void processElement(Object value, long timestamp) {
        chain.input().emit(value, timestamp);
    }

    public void processElement(Object value) {
        processElement(value, Output.NO_TIMESTAMP);
    }

    public void processWatermark(long watermark) {
        chain.input().emitWatermark(watermark);
    }

    /** Moves the processing-time clock and fires what is due (timers, periodic watermarks). */
    public void setProcessingTime(long time) {
        now = time;
        processingTime.fireDue();
    }

    /** End of a bounded input: the final watermark, then the operators' finish. */
    public void endInput() throws Exception {
        chain.input().emitWatermark(Long.MAX_VALUE);
        chain.finish();
    }

    /** Everything emitted so far, in order. */
    public List<Emitted> emitted() {
        return List.copyOf(emitted);
    }

    /** The main-output record values emitted so far, in order. */
    public List<Object> records() {
        return emitted.stream().filter(e -> e instanceof Emitted.Record).map(e -> ((Emitted.Record) e).value()).toList();
    }

    /** The values emitted to side output {@code tag} so far, in order. */
    public List<Object> sideRecords(String tag) {
        return emitted.stream().filter(e -> e instanceof Emitted.SideRecord s && s.tag().equals(tag)).map(e -> ((Emitted.SideRecord) e).value())
                .toList();
    }

    public void clearEmitted() {
        emitted.clear();
    }

    @Override
    public void close() throws Exception {
        chain.close();
    }
}
