package io.flowmesh.engine.task;

import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.source.InputStatus;
import io.flowmesh.api.source.SourceReader;
import io.flowmesh.engine.exchange.Buffer;
import io.flowmesh.engine.exchange.BufferFormat;
import io.flowmesh.engine.exchange.ChannelSelector;
import io.flowmesh.engine.exchange.ExchangeConnections;
import io.flowmesh.engine.exchange.InputChannel;
import io.flowmesh.engine.exchange.InputGate;
import io.flowmesh.engine.exchange.LocalInputChannel;
import io.flowmesh.engine.exchange.RecordWriter;
import io.flowmesh.engine.exchange.RemoteInputChannel;
import io.flowmesh.engine.exchange.ResultPartitionManager;
import io.flowmesh.engine.exchange.ResultSubpartition;
import io.flowmesh.engine.exchange.SubpartitionId;
import io.flowmesh.engine.checkpoint.CheckpointBarrier;
import io.flowmesh.engine.checkpoint.CheckpointResponder;
import io.flowmesh.engine.checkpoint.CheckpointTimings;
import io.flowmesh.engine.checkpoint.StateStorage;
import io.flowmesh.engine.graph.ChainSpec;
import io.flowmesh.api.eventtime.WatermarkStrategy;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.serialization.RecordSerializer;
import io.flowmesh.api.source.ReaderOutput;
import io.flowmesh.engine.metrics.TaskMetricGroup;
import io.flowmesh.engine.metrics.TaskMetricsListener;
import io.flowmesh.engine.operators.OperatorChain;
import io.flowmesh.engine.operators.OperatorException;
import io.flowmesh.engine.operators.SplitWatermarks;
import io.flowmesh.engine.operators.WatermarkGenerator;
import io.flowmesh.engine.time.ProcessingTimeService;
import io.flowmesh.engine.operators.Output;
import io.flowmesh.engine.serialization.DataInputDeserializer;
import io.flowmesh.engine.serialization.DynamicSerializer;
import io.flowmesh.engine.serialization.JavaSerialization;
import io.flowmesh.proto.ChannelLocation;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.InputGateDescriptor;
import io.flowmesh.proto.ResultPartitionDescriptor;
import io.flowmesh.proto.TaskDeploymentDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one subtask — one operator chain — on a thread of its own: builds the chain in the job's
 * class loader, connects its input channels and output partitions, then either drives the source
 * reader or reads its input gate until every input channel has ended, finishes the chain, sends
 * END_OF_PARTITION downstream and reports {@code FINISHED}.
 *
 * <p>Buffers are flushed when full, when the subtask's input runs dry (before it waits), and at the
 * latest after {@code execution.buffer-timeout}.
 *
 * <p>{@link Listener} is called on the task's thread with RUNNING and with the terminal state.
 * {@link #cancel()} may be called from any thread.
 */
public final class StreamTask implements Runnable {

    /** Told of the subtask's state changes, on the task's thread. */
    public interface Listener {
        void stateChanged(StreamTask task, ExecutionState state, Throwable failure);
    }

    private final TaskDeploymentDescriptor tdd;
    private final ClassLoader userClassLoader;
    private final ResultPartitionManager partitionManager;
    private final ExchangeConnections connections;
    private final String taskManagerId;
    private final TaskSettings settings;
    private final Map<String, String> clusterConfiguration;
    private final Listener listener;
    private final String taskName;
    private final List<RecordWriter> writers = new ArrayList<>();
    private final List<RecordWriter> mainWriters = new ArrayList<>();
    private final Map<String, List<RecordWriter>> sideWriters = new HashMap<>();
    private final ProcessingTimeService processingTime = new ProcessingTimeService();
    /** One per input channel: each producer names its classes with ids of its own. */
    private DynamicSerializer[] channelSerializers;
    /** Per input channel: the input of a two-input head it feeds (2 = the second), else 0 or 1. */
    private int[] channelInput;
    private final List<ResultSubpartition> ownSubpartitions = new ArrayList<>();
    private volatile boolean cancelled;
    private volatile InputGate gate;
    /** Work for the task's thread from other threads (checkpoint triggers and notifications), run between records. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Mail> mailbox = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean hasMail;
    private StateStorage stateStorage;
    private CheckpointResponder checkpointResponder = CheckpointResponder.NONE;
    private java.util.concurrent.Executor uploadExecutor;
    private Map<String, RecordSerializer<?>> typeSerializers = Map.of();
    private OperatorChain chain;
    /** Stop with savepoint: the id whose completion ends a source's input (until then the source reads nothing); -1 when none. */
    private long stopAfterCheckpoint = -1;
    private boolean stopRequested;
    /** A source whose reader reached the end of its input and now waits for the final checkpoint. */
    private boolean inputEnded;
    /** A checkpoint that covers the end of every source completed: the waiting source finishes. */
    private boolean finalCheckpointCompleted;
    private BarrierAligner aligner;
    private Thread thread;
    private long lastFlushNanos;
    private long recordsIn;
    private final TaskMetricGroup metrics;
    private TaskMetricsListener metricsListener = TaskMetricsListener.NONE;

    public StreamTask(TaskDeploymentDescriptor tdd, ClassLoader userClassLoader, ResultPartitionManager partitionManager,
            ExchangeConnections connections, String taskManagerId, TaskSettings settings, Map<String, String> clusterConfiguration,
            Listener listener) {
        this.tdd = tdd;
        this.userClassLoader = userClassLoader;
        this.partitionManager = partitionManager;
        this.connections = connections;
        this.taskManagerId = taskManagerId;
        this.settings = settings.withJobConfiguration(tdd.getConfigurationMap());
        this.clusterConfiguration = clusterConfiguration;
        this.listener = listener;
        this.taskName = tdd.getVertexName() + " (" + (tdd.getSubtaskIndex() + 1) + "/" + tdd.getParallelism() + ")";
        this.metrics = new TaskMetricGroup(tdd.getJobId(), tdd.getJobName(), tdd.getVertexId(), tdd.getVertexName(), tdd.getSubtaskIndex(),
                tdd.getAttempt());
    }

    /**
     * Reports this subtask's metrics to {@code listener} (before {@link #start()}): handed over once the
     * chain is built, taken back when the subtask ends. Without it, the metrics are kept but not reported.
     */
    public StreamTask withMetrics(TaskMetricsListener listener) {
        this.metricsListener = listener;
        return this;
    }

    /** The subtask's metrics (its operators' groups appear once the chain is built). */
    public TaskMetricGroup metrics() {
        return metrics;
    }

    /**
     * Enables checkpoints for this subtask (before {@link #start()}): state files go to
     * {@code storage}, uploaded on {@code uploadExecutor}, and acknowledgements to {@code responder}.
     * Without it, a trigger is declined and a restore fails.
     */
    public StreamTask withCheckpointing(StateStorage storage, CheckpointResponder responder, java.util.concurrent.Executor uploadExecutor) {
        this.stateStorage = storage;
        this.checkpointResponder = responder;
        this.uploadExecutor = uploadExecutor;
        return this;
    }

    public boolean isSourceTask() {
        return tdd.getInputsCount() == 0;
    }

    /** A source subtask takes checkpoint {@code barrier.id()} between two reads (any thread). */
    public void triggerCheckpoint(CheckpointBarrier barrier) {
        post(() -> {
            if (chain != null && chain.isSourceChain()) {
                if (barrier.type() == io.flowmesh.proto.CheckpointType.SAVEPOINT_STOP_DRAIN) {
                    chain.input().emitWatermark(Long.MAX_VALUE); // --drain: fire everything before the savepoint
                }
                performCheckpoint(barrier, Math.max(0, System.currentTimeMillis() - barrier.timestamp()), 0);
                if (barrier.stopsJob()) {
                    stopAfterCheckpoint = barrier.id();
                }
            }
        });
    }

    /** Checkpoint {@code id} is complete (any thread): the chain commits what it covers. */
    public void notifyCheckpointComplete(long id) {
        notifyCheckpointComplete(id, false);
    }

    /**
     * Checkpoint {@code id} is complete (any thread): the chain commits what it covers.
     * {@code endOfInput}: every source had reached the end of its input when it took the checkpoint
     * (its final checkpoint), so a source waiting for it finishes.
     */
    public void notifyCheckpointComplete(long id, boolean endOfInput) {
        post(() -> {
            if (chain != null) {
                chain.notifyCheckpointComplete(id);
            }
            if (id == stopAfterCheckpoint) {
                stopRequested = true;
            }
            if (endOfInput && inputEnded) {
                finalCheckpointCompleted = true;
            }
        });
    }

    /** Checkpoint {@code id} was aborted (any thread): stop aligning for it. */
    public void notifyCheckpointAborted(long id) {
        post(() -> {
            if (aligner != null) {
                aligner.abort(id);
            }
            if (id == stopAfterCheckpoint) {
                stopAfterCheckpoint = -1;
            }
        });
    }

    /** Work posted to the task's thread. */
    private interface Mail {
        void run() throws Exception;
    }

    private void post(Mail mail) {
        mailbox.add(mail);
        hasMail = true;
        InputGate g = gate;
        if (g != null) {
            g.wakeUp();
        }
    }

    private void processMail() throws Exception {
        hasMail = false;
        Mail m;
        while ((m = mailbox.poll()) != null) {
            m.run();
        }
    }

    /**
     * At the barrier, on the task's thread: forwards the barrier downstream, takes the synchronous
     * snapshot of the chain, and uploads it on an upload thread; then acknowledges. A failure
     * declines the checkpoint (the job goes on).
     */
    private void performCheckpoint(CheckpointBarrier barrier, long startDelayMillis, long alignmentMillis) {
        long start = System.nanoTime();
        List<OperatorChain.OperatorSnapshot> snapshots;
        try {
            if (stateStorage == null) {
                throw new IllegalStateException("checkpoints are not enabled on this TaskManager");
            }
            snapshots = chain.snapshotState(barrier.id(), userClassLoader, typeSerializers);
        } catch (Exception e) {
            checkpointResponder.decline(barrier.id(), e);
            snapshots = null;
        }
        try {
            for (RecordWriter w : writers) {
                w.broadcastBarrier(barrier);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (snapshots == null) {
            return;
        }
        long syncMillis = (System.nanoTime() - start) / 1_000_000;
        List<OperatorChain.OperatorSnapshot> toUpload = snapshots;
        boolean endOfInput = inputEnded;
        uploadExecutor.execute(() -> {
            long asyncStart = System.nanoTime();
            try {
                List<io.flowmesh.proto.OperatorSubtaskState> states = new ArrayList<>();
                long size = 0;
                for (OperatorChain.OperatorSnapshot snap : toUpload) {
                    var state = io.flowmesh.proto.OperatorSubtaskState.newBuilder().setOperatorId(snap.operatorId())
                            .setSubtaskIndex(tdd.getSubtaskIndex()).setSizeBytes(snap.bytes().length)
                            .setKeyGroupStart(snap.keyGroupStart()).setKeyGroupEnd(snap.keyGroupEnd());
                    if (snap.bytes().length <= settings.inlineStateThresholdBytes()) {
                        // Flink's ByteStreamStateHandle: a small file rides in the acknowledgement and the _metadata
                        state.setInlineState(com.google.protobuf.UnsafeByteOperations.unsafeWrap(snap.bytes()));
                    } else {
                        String uri = barrier.location() + "/" + snap.operatorId() + "-" + tdd.getSubtaskIndex() + "-" + tdd.getAttempt();
                        stateStorage.write(uri, snap.bytes());
                        state.setUri(uri);
                    }
                    size += snap.bytes().length;
                    states.add(state.build());
                }
                checkpointResponder.acknowledge(barrier.id(), states, size,
                        new CheckpointTimings(startDelayMillis, alignmentMillis, syncMillis, (System.nanoTime() - asyncStart) / 1_000_000), endOfInput);
            } catch (Exception e) {
                checkpointResponder.decline(barrier.id(), e);
            }
        });
    }

    public TaskDeploymentDescriptor descriptor() {
        return tdd;
    }

    public String taskName() {
        return taskName;
    }

    public void start() {
        thread = new Thread(this, taskName + "#" + tdd.getAttempt());
        thread.start();
    }

    /** Stops the subtask soon; it then reports CANCELED. Idempotent. */
    public void cancel() {
        cancelled = true;
        InputGate g = gate;
        if (g != null) {
            g.wakeUp();
        }
        synchronized (ownSubpartitions) {
            ownSubpartitions.forEach(ResultSubpartition::release);
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    public boolean isAlive() {
        return thread != null && thread.isAlive();
    }

    public void join(long millis) throws InterruptedException {
        if (thread != null) {
            thread.join(millis);
        }
    }

    @Override
    public void run() {
        Thread.currentThread().setContextClassLoader(userClassLoader);
        OperatorChain chain = null;
        Throwable failure = null;
        boolean metricsStarted = false;
        try {
            chain = setUp();
            chain.open();
            metricsListener.taskStarted(metrics); // after open: functions and source readers have registered their gauges
            metricsStarted = true;
            if (hasMail) {
                processMail();
            }
            listener.stateChanged(this, ExecutionState.EXECUTION_RUNNING, null);
            lastFlushNanos = System.nanoTime();
            if (chain.isSourceChain()) {
                runSource(chain);
            } else {
                runInput(chain.input(), chain.input2(), chain.waitsForWatermarks() ? settings.maxWatermarkDriftMillis() : -1);
            }
            if (!cancelled) {
                chain.finish();
                for (RecordWriter w : writers) {
                    w.finish();
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            if (chain != null) {
                try {
                    chain.close();
                } catch (Throwable t) {
                    if (failure == null && !cancelled) {
                        failure = t;
                    }
                }
            }
            InputGate g = gate;
            if (g != null) {
                g.close();
            }
            if (metricsStarted) {
                try {
                    metricsListener.taskEnded(metrics);
                } catch (RuntimeException e) {
                    if (failure == null && !cancelled) {
                        failure = e;
                    }
                }
            }
        }
        // cancel() interrupts this thread; the listener's reporting (Kafka, gRPC) must not see that
        Thread.interrupted();
        if (cancelled) {
            listener.stateChanged(this, ExecutionState.EXECUTION_CANCELED, null);
        } else if (failure != null) {
            synchronized (ownSubpartitions) {
                ownSubpartitions.forEach(ResultSubpartition::release);
            }
            listener.stateChanged(this, ExecutionState.EXECUTION_FAILED, failure);
        } else {
            listener.stateChanged(this, ExecutionState.EXECUTION_FINISHED, null);
        }
    }

    @SuppressWarnings("unchecked")
    private OperatorChain setUp() throws Exception {
        typeSerializers = tdd.getTypeSerializers().isEmpty() ? Map.of()
                : JavaSerialization.deserialize(tdd.getTypeSerializers().toByteArray(), userClassLoader);
        ChainSpec spec = JavaSerialization.deserialize(tdd.getOperatorChain().toByteArray(), userClassLoader);
        for (ResultPartitionDescriptor out : tdd.getOutputsList()) {
            ResultSubpartition[] subpartitions = new ResultSubpartition[out.getNumberOfSubpartitions()];
            for (int i = 0; i < subpartitions.length; i++) {
                subpartitions[i] = partitionManager.getOrCreate(new SubpartitionId(tdd.getJobId(), tdd.getAttempt(), tdd.getVertexId(),
                        tdd.getSubtaskIndex(), out.getConsumerVertexId(), i));
            }
            synchronized (ownSubpartitions) {
                ownSubpartitions.addAll(List.of(subpartitions));
            }
            KeySelector<Object, Object> keySelector = out.getKeySelector().isEmpty() ? null
                    : JavaSerialization.deserialize(out.getKeySelector().toByteArray(), userClassLoader);
            ChannelSelector selector = ChannelSelector.of(out.getPartitioner(), subpartitions.length, out.getMaxParallelism(), keySelector,
                    tdd.getSubtaskIndex(), out.getConsumerVertexName());
            RecordWriter writer = new RecordWriter(subpartitions, selector, new DynamicSerializer(userClassLoader, typeSerializers), settings.bufferSize())
                    .withMetrics(metrics);
            writers.add(writer);
            (out.getSideOutputTag().isEmpty() ? mainWriters : sideWriters.computeIfAbsent(out.getSideOutputTag(), k -> new ArrayList<>()))
                    .add(writer);
        }
        Output tail = writers.isEmpty() ? Output.DISCARDING
                : new WriterOutput(tdd.getVertexName(), mainWriters.toArray(RecordWriter[]::new), sideWriters, writers);
        Map<String, String> conf = new HashMap<>(clusterConfiguration);
        conf.putAll(tdd.getConfigurationMap());
        TaskRuntimeContext context = new TaskRuntimeContext(tdd.getJobId(), taskName, tdd.getSubtaskIndex(), tdd.getParallelism(),
                tdd.getMaxParallelism(), tdd.getAttempt(), Map.copyOf(conf));
        OperatorChain chain = new OperatorChain(spec, context, processingTime, tail, metrics);
        metrics.setBufferPoolUsage(this::inPoolUsage, this::outPoolUsage);
        if (tdd.getRestoredCheckpointId() > 0 && tdd.getRestoredStateCount() > 0) {
            if (stateStorage == null) {
                throw new IllegalStateException("cannot restore checkpoint " + tdd.getRestoredCheckpointId() + ": no state storage on this TaskManager");
            }
            chain.restoreState(tdd.getRestoredStateList(), stateStorage, userClassLoader, typeSerializers);
        }
        this.chain = chain;
        if (!chain.isSourceChain()) {
            InputGate g = new InputGate();
            for (InputGateDescriptor in : tdd.getInputsList()) {
                for (ChannelLocation c : in.getChannelsList()) {
                    SubpartitionId id = new SubpartitionId(tdd.getJobId(), tdd.getAttempt(), in.getProducerVertexId(), c.getProducerSubtask(),
                            tdd.getVertexId(), c.getSubpartitionIndex());
                    int index = g.numberOfChannels();
                    g.addChannel(c.getTaskmanagerId().equals(taskManagerId)
                            ? new LocalInputChannel(index, g, partitionManager, id)
                            : new RemoteInputChannel(index, g, connections.get(c.getDataAddress()), c.getDataAddress(), id,
                                    settings.creditsPerChannel()));
                }
            }
            channelInput = new int[g.numberOfChannels()];
            int index = 0;
            for (InputGateDescriptor in : tdd.getInputsList()) {
                for (int k = 0; k < in.getChannelsCount(); k++) {
                    channelInput[index++] = in.getInputIndex();
                }
            }
            gate = g;
            for (InputChannel ch : g.channels()) {
                ch.requestSubpartition();
            }
            channelSerializers = new DynamicSerializer[g.numberOfChannels()];
            for (int i = 0; i < channelSerializers.length; i++) {
                channelSerializers[i] = new DynamicSerializer(userClassLoader, typeSerializers);
            }
        }
        return chain;
    }

    /**
     * Drives the source reader; applies the source's watermark strategy per split (records emitted
     * without a split count as one split); ends with the final watermark.
     */
    private void runSource(OperatorChain chain) throws Exception {
        SourceReader<Object> reader = chain.sourceReader();
        Output output = chain.input();
        WatermarkStrategy<?> strategy = chain.head().watermarkStrategy();
        SplitWatermarks watermarks = strategy == null ? null : new SplitWatermarks(strategy, output, processingTime);
        if (watermarks != null && !watermarks.isPunctuated()) {
            long interval = WatermarkGenerator.autoWatermarkInterval(tdd.getConfigurationMap());
            if (interval > 0) {
                schedulePeriodicWatermarks(watermarks, processingTime.currentTime() + interval, interval);
            }
        }
        String sourceName = chain.head().name();
        java.util.Map<String, ReaderOutput<Object>> splitOutputs = new HashMap<>();
        ReaderOutput<Object> readerOutput = new ReaderOutput<>() {
            private final ReaderOutput<Object> unsplit = splitOutput(null);

            private ReaderOutput<Object> splitOutput(String splitId) {
                WatermarkGenerator generator = watermarks == null ? null : watermarks.split(splitId == null ? "" : splitId).generator();
                return new ReaderOutput<>() {
                    @Override
                    public void collect(Object record) {
                        collect(record, Output.NO_TIMESTAMP);
                    }

                    @Override
                    public void collect(Object record, long timestamp) {
                        long ts = timestamp;
                        if (generator != null) {
                            try {
                                ts = generator.onRecord(record, timestamp);
                            } catch (Exception e) {
                                throw OperatorException.of(sourceName + " (timestamp assigner)", e);
                            }
                        }
                        output.emit(record, ts);
                        if (generator != null) {
                            generator.afterRecord();
                        }
                    }
                };
            }

            @Override
            public void collect(Object record) {
                unsplit.collect(record);
            }

            @Override
            public void collect(Object record, long timestamp) {
                unsplit.collect(record, timestamp);
            }

            @Override
            public ReaderOutput<Object> createOutputForSplit(String splitId) {
                return splitOutputs.computeIfAbsent(splitId, this::splitOutput);
            }

            @Override
            public void releaseOutputForSplit(String splitId) {
                splitOutputs.remove(splitId);
                if (watermarks != null) {
                    watermarks.release(splitId);
                }
            }
        };
        if (watermarks != null) {
            // until the reader opens split outputs, records without a split drive the watermark
            watermarks.split("");
        }
        while (!cancelled) {
            if (hasMail) {
                processMail();
                if (stopRequested) {
                    return; // stopped with a savepoint: the input ends here, without a final watermark
                }
            }
            if (stopAfterCheckpoint != -1) {
                // a stop-with-savepoint barrier went out: nothing may follow it (the job resumed from the savepoint
                // reads it again), so wait for the savepoint's completion (the input ends) or abort (reading goes on)
                flushAll();
                metrics.markIdle(System.nanoTime());
                LockSupport.parkNanos(1_000_000);
                metrics.markBusy(System.nanoTime());
                continue;
            }
            InputStatus status = reader.pollNext(readerOutput);
            if (status == InputStatus.END_OF_INPUT) {
                output.emitWatermark(Long.MAX_VALUE);
                if (waitsForFinalCheckpoint()) {
                    awaitFinalCheckpoint();
                }
                return;
            }
            if (watermarks != null && !splitOutputs.isEmpty()) {
                watermarks.release(""); // a split-aware reader: only its splits count
            }
            processingTime.fireDue();
            if (status == InputStatus.NOTHING_AVAILABLE) {
                flushAll();
                metrics.markIdle(System.nanoTime());
                LockSupport.parkNanos(1_000_000);
                metrics.markBusy(System.nanoTime());
            } else {
                maybeFlushOnTimeout();
            }
        }
    }

    /**
     * Whether a source whose input ended waits for a final checkpoint before it ends its output, as
     * Flink does since 1.15: when the job takes checkpoints ({@code execution.checkpointing.interval}
     * set — the coordinator's rule) and {@code execution.checkpointing.checkpoints-after-tasks-finish}
     * (or its {@code .enabled} form) is not false. Then the exactly-once sinks commit their last
     * transaction on a checkpoint, and a failure after the commit restores a state that replays nothing.
     */
    private boolean waitsForFinalCheckpoint() {
        Map<String, String> conf = tdd.getConfigurationMap();
        String afterFinish = conf.getOrDefault("execution.checkpointing.checkpoints-after-tasks-finish",
                conf.getOrDefault("execution.checkpointing.checkpoints-after-tasks-finish.enabled", "true"));
        return stateStorage != null && conf.containsKey("execution.checkpointing.interval") && !afterFinish.trim().equalsIgnoreCase("false");
    }

    /**
     * The end of a source's input with checkpoints: everything read is emitted (and the final
     * watermark); the source now takes part in checkpoints without emitting records, each
     * acknowledgement saying its input ended, until a checkpoint completes that covers the end of
     * every source. Only then does it end its output (END_OF_PARTITION downstream), so no subtask
     * finishes before the state that covers all output is complete. A stop with savepoint or a
     * cancellation ends the wait.
     */
    private void awaitFinalCheckpoint() throws Exception {
        inputEnded = true;
        flushAll();
        checkpointResponder.inputEnded();
        while (!cancelled && !finalCheckpointCompleted && !stopRequested) {
            if (hasMail) {
                processMail();
                continue;
            }
            metrics.markIdle(System.nanoTime());
            LockSupport.parkNanos(1_000_000);
            metrics.markBusy(System.nanoTime());
        }
    }

    private void schedulePeriodicWatermarks(SplitWatermarks watermarks, long time, long interval) {
        processingTime.schedule(time, t -> {
            watermarks.emitPeriodicWatermarks();
            schedulePeriodicWatermarks(watermarks, t + interval, interval);
        });
    }

    /**
     * Reads the input gate until every channel ended. The watermark of the subtask is the minimum
     * over the channels that are neither idle nor ended; it is forwarded when it advances. When every
     * open channel is idle, the subtask is idle downstream too.
     *
     * <p>Watermark drift ({@code maxDrift} ≥ 0, chains with event-time windows): a channel whose
     * watermark is more than {@code maxDrift} ahead of the subtask's watermark is held back (not
     * read, so credit-based flow control slows its producer) until the slower inputs catch up, go
     * idle or end. Without it an input that runs ahead — one source subtask scheduled more than
     * another — piles up windows that only the slowest input's watermark fires: state, and so
     * checkpoint size, grows with the skew. Never while a barrier alignment runs; and whenever the
     * gate has had nothing else for {@link #DRIFT_HOLD_PATIENCE_NANOS}, each held channel gets one
     * buffer read (an input that is slow to deliver slows the others, as Flink's watermark alignment
     * does, but never stops them).
     */
    private void runInput(Output output, Output secondInput, long maxDrift) throws Exception {
        InputGate g = gate;
        int channels = g.numberOfChannels();
        long[] channelWatermark = new long[channels];
        java.util.Arrays.fill(channelWatermark, Long.MIN_VALUE);
        boolean[] idle = new boolean[channels];
        boolean[] ended = new boolean[channels];
        long watermark = Long.MIN_VALUE;
        boolean downstreamIdle = false;
        int open = channels;
        DataInputDeserializer in = new DataInputDeserializer();
        BarrierAligner barriers = new BarrierAligner(g, ended);
        aligner = barriers;
        DriftHold drift = new DriftHold(g, maxDrift);
        while (open > 0 && !cancelled) {
            if (hasMail) {
                processMail();
            }
            InputChannel ch = g.pollChannel();
            if (ch == null) {
                flushAll();
                long wait = Math.max(1, Math.min(100, processingTime.nextDeadline() - processingTime.currentTime()));
                metrics.markIdle(System.nanoTime());
                ch = drift.holding() ? g.awaitChannel(1) : g.awaitChannel(wait);
                metrics.markBusy(System.nanoTime());
                processingTime.fireDue();
                if (ch == null) {
                    drift.nothingToRead(System.nanoTime());
                    continue;
                }
            }
            if (barriers.isBlocked(ch.channelIndex()) || drift.isHeld(ch.channelIndex())) {
                continue; // held back until the barrier arrived on every input, or the watermarks caught up; requeued then
            }
            drift.read();
            Buffer buffer = ch.pollBuffer();
            if (buffer == null) {
                ch.checkError();
                continue;
            }
            g.requeueIfMore(ch);
            int c = ch.channelIndex();
            Output records = channelInput[c] == 2 ? secondInput : output;
            DynamicSerializer inputSerializer = channelSerializers[c];
            in.setBuffer(buffer.data(), 0, buffer.length());
            boolean watermarkInputsChanged = false;
            while (in.available()) {
                byte tag = in.readByte();
                if (tag == BufferFormat.RECORD) {
                    recordsIn++;
                    records.emit(inputSerializer.deserialize(in), Output.NO_TIMESTAMP);
                } else if (tag == BufferFormat.RECORD_WITH_TIMESTAMP) {
                    recordsIn++;
                    long ts = in.readLong();
                    records.emit(inputSerializer.deserialize(in), ts);
                } else if (tag == BufferFormat.WATERMARK) {
                    long wm = in.readLong();
                    if (wm > channelWatermark[c]) {
                        channelWatermark[c] = wm;
                        watermarkInputsChanged = true;
                    }
                } else if (tag == BufferFormat.CLASS_DEFINITION) {
                    int id = in.readShort() & 0xffff;
                    inputSerializer.define(id, in.readString());
                } else if (tag == BufferFormat.WATERMARK_STATUS) {
                    idle[c] = in.readByte() == 1;
                    watermarkInputsChanged = true;
                } else if (tag == BufferFormat.CHECKPOINT_BARRIER) {
                    CheckpointBarrier b = new CheckpointBarrier(in.readLong(), in.readLong(),
                            io.flowmesh.proto.CheckpointType.forNumber(in.readByte()), null, false);
                    boolean exactlyOnce = in.readBoolean();
                    b = new CheckpointBarrier(b.id(), b.timestamp(), b.type(), in.readString(), exactlyOnce);
                    drift.releaseAll();
                    barriers.onBarrier(c, b);
                    if (barriers.isBlocked(c) && in.available()) {
                        throw new IllegalStateException("corrupt buffer from channel " + c + ": elements behind checkpoint barrier " + b.id());
                    }
                } else if (tag == BufferFormat.END_OF_PARTITION) {
                    ended[c] = true;
                    open--;
                    watermarkInputsChanged = true;
                    barriers.onChannelEnded();
                } else {
                    throw new IllegalStateException("corrupt buffer from channel " + c + ": unknown element tag " + tag);
                }
                if (watermarkInputsChanged) {
                    watermarkInputsChanged = false;
                    long min = Long.MAX_VALUE;
                    boolean anyActive = false;
                    for (int i = 0; i < channels; i++) {
                        if (!ended[i] && !idle[i]) {
                            anyActive = true;
                            min = Math.min(min, channelWatermark[i]);
                        }
                    }
                    if (anyActive && min > watermark) {
                        watermark = min;
                        output.emitWatermark(min);
                    }
                    drift.onWatermarks(channelWatermark, anyActive ? min : Long.MAX_VALUE);
                    boolean nowIdle = !anyActive && open > 0;
                    if (nowIdle != downstreamIdle) {
                        downstreamIdle = nowIdle;
                        output.emitStatus(nowIdle);
                    }
                }
            }
            ch.onBufferConsumed();
            if (!ended[c] && !idle[c] && !barriers.aligning()) {
                drift.maybeHold(c, channelWatermark[c], watermark);
            }
            processingTime.fireDue();
            maybeFlushOnTimeout();
        }
    }

    /** How long a subtask whose only readable channels are held back waits before it reads them anyway. */
    static final long DRIFT_HOLD_PATIENCE_NANOS = 5_000_000;

    /** The channels held back because their watermark ran ahead (see {@link #runInput}). Task thread only. */
    private static final class DriftHold {
        private final InputGate gate;
        private final long maxDrift;
        private final boolean[] held;
        private int heldCount;
        private long starvedSinceNanos;

        DriftHold(InputGate gate, long maxDrift) {
            this.gate = gate;
            this.maxDrift = maxDrift;
            this.held = new boolean[gate.numberOfChannels()];
        }

        boolean holding() {
            return heldCount > 0;
        }

        boolean isHeld(int channel) {
            return held[channel];
        }

        /** After a buffer of {@code channel}: holds it back if its watermark is too far ahead of the subtask's. */
        void maybeHold(int channel, long channelWatermark, long watermark) {
            if (maxDrift < 0 || held[channel] || watermark == Long.MIN_VALUE || channelWatermark <= watermark) {
                return;
            }
            long ahead = channelWatermark - watermark;
            if (ahead > maxDrift || ahead < 0) { // ahead < 0: overflow, so far ahead
                held[channel] = true;
                heldCount++;
            }
        }

        /**
         * The channels' watermarks or states changed: those no longer too far ahead of {@code min} (the
         * minimum over active channels; MAX_VALUE: none is active) are read again.
         */
        void onWatermarks(long[] channelWatermarks, long min) {
            if (heldCount == 0) {
                return;
            }
            for (int i = 0; i < held.length; i++) {
                if (held[i] && (min == Long.MAX_VALUE || channelWatermarks[i] - min <= maxDrift && channelWatermarks[i] >= min)) {
                    unhold(i);
                }
            }
        }

        void releaseAll() {
            for (int i = 0; i < held.length && heldCount > 0; i++) {
                if (held[i]) {
                    unhold(i);
                }
            }
        }

        void read() {
            starvedSinceNanos = 0;
        }

        /** The gate had nothing to read: after the patience, each held channel is read once more (and held again after). */
        void nothingToRead(long now) {
            if (heldCount == 0) {
                return;
            }
            if (starvedSinceNanos == 0) {
                starvedSinceNanos = now;
            } else if (now - starvedSinceNanos >= DRIFT_HOLD_PATIENCE_NANOS) {
                starvedSinceNanos = 0;
                releaseAll();
            }
        }

        private void unhold(int channel) {
            held[channel] = false;
            heldCount--;
            gate.notifyChannelNonEmpty(gate.channels().get(channel));
        }
    }

    /**
     * Barrier alignment over the input channels. In exactly-once mode, a channel whose barrier
     * {@code n} arrived is held back until barrier {@code n} arrived on every channel that has not
     * ended; then the subtask checkpoints and the held-back channels are read again. In
     * at-least-once mode channels are never held back; the checkpoint is taken when the last
     * barrier arrives. A newer barrier or an abort ends the alignment of an older checkpoint.
     */
    private final class BarrierAligner {
        private final InputGate gate;
        private final boolean[] ended;
        private final boolean[] arrived;
        private final boolean[] blocked;
        private CheckpointBarrier current;
        /** Of {@link #current}: when its first barrier arrived (nanoTime), and how late after the trigger (ms). */
        private long firstBarrierNanos;
        private long startDelayMillis;
        /** Barriers of this id and below are stale (done or aborted). */
        private long lastDone = -1;

        BarrierAligner(InputGate gate, boolean[] ended) {
            this.gate = gate;
            this.ended = ended;
            this.arrived = new boolean[ended.length];
            this.blocked = new boolean[ended.length];
        }

        boolean isBlocked(int channel) {
            return blocked[channel];
        }

        /** A checkpoint's barriers are being aligned. */
        boolean aligning() {
            return current != null;
        }

        void onBarrier(int channel, CheckpointBarrier b) {
            if (b.id() <= lastDone) {
                return;
            }
            if (current != null && b.id() > current.id()) {
                long stale = current.id();
                release(stale);
                checkpointResponder.decline(stale, new IllegalStateException("barrier " + b.id() + " arrived before checkpoint " + stale
                        + " was aligned at " + taskName));
            }
            if (current == null) {
                current = b;
                firstBarrierNanos = System.nanoTime();
                startDelayMillis = Math.max(0, System.currentTimeMillis() - b.timestamp());
            }
            if (!arrived[channel]) {
                arrived[channel] = true;
                blocked[channel] = b.exactlyOnce();
            }
            maybeComplete();
        }

        void onChannelEnded() {
            maybeComplete();
        }

        void abort(long id) {
            if (current != null && current.id() <= id) {
                release(current.id());
            }
            lastDone = Math.max(lastDone, id);
        }

        private void maybeComplete() {
            if (current == null) {
                return;
            }
            for (int i = 0; i < arrived.length; i++) {
                if (!arrived[i] && !ended[i]) {
                    return;
                }
            }
            CheckpointBarrier b = current;
            long alignmentMillis = (System.nanoTime() - firstBarrierNanos) / 1_000_000;
            release(b.id());
            performCheckpoint(b, startDelayMillis, alignmentMillis);
        }

        private void release(long id) {
            lastDone = Math.max(lastDone, id);
            current = null;
            for (int i = 0; i < arrived.length; i++) {
                arrived[i] = false;
                if (blocked[i]) {
                    blocked[i] = false;
                    gate.notifyChannelNonEmpty(gate.channels().get(i));
                }
            }
        }
    }

    /** The chain's tail: main records to the main writers, side-output records to their tag's writers. */
    private static final class WriterOutput implements Output {
        private final String vertexName;
        private final RecordWriter[] main;
        private final Map<String, List<RecordWriter>> side;
        private final List<RecordWriter> all;

        WriterOutput(String vertexName, RecordWriter[] main, Map<String, List<RecordWriter>> side, List<RecordWriter> all) {
            this.vertexName = vertexName;
            this.main = main;
            this.side = side;
            this.all = all;
        }

        @Override
        public void emit(Object value, long timestamp) {
            try {
                for (RecordWriter w : main) {
                    w.emit(value, timestamp);
                }
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new OperatorException(vertexName, new IllegalArgumentException("cannot send its output downstream: " + e.getMessage(), e));
            } catch (Exception e) {
                throw StreamTask.<RuntimeException>sneaky(e);
            }
        }

        @Override
        public void emitWatermark(long watermark) {
            try {
                for (RecordWriter w : all) {
                    w.broadcastWatermark(watermark);
                }
            } catch (Exception e) {
                throw StreamTask.<RuntimeException>sneaky(e);
            }
        }

        @Override
        public void emitSide(OutputTag<?> tag, Object value, long timestamp) {
            List<RecordWriter> writers = side.get(tag.getId());
            if (writers == null) {
                return;
            }
            try {
                for (RecordWriter w : writers) {
                    w.emit(value, timestamp);
                }
            } catch (Exception e) {
                throw StreamTask.<RuntimeException>sneaky(e);
            }
        }

        @Override
        public void emitStatus(boolean idle) {
            try {
                for (RecordWriter w : all) {
                    w.broadcastStatus(idle);
                }
            } catch (Exception e) {
                throw StreamTask.<RuntimeException>sneaky(e);
            }
        }
    }

    private void maybeFlushOnTimeout() throws InterruptedException {
        long now = System.nanoTime();
        if (now - lastFlushNanos >= settings.bufferTimeoutMillis() * 1_000_000L) {
            flushAll();
        }
    }

    private void flushAll() throws InterruptedException {
        for (RecordWriter w : writers) {
            w.flushAll();
        }
        lastFlushNanos = System.nanoTime();
    }

    /** Share of the input channels' buffers in use (any thread; reads the queues' sizes). */
    private double inPoolUsage() {
        InputGate g = gate;
        if (g == null) {
            return 0;
        }
        long used = 0;
        long capacity = 0;
        for (InputChannel ch : g.channels()) {
            used += ch.queuedBuffers();
            capacity += ch.bufferCapacity();
        }
        return capacity == 0 ? 0 : (double) used / capacity;
    }

    /** Share of this subtask's subpartition queues in use (any thread). */
    private double outPoolUsage() {
        long used = 0;
        long capacity = 0;
        synchronized (ownSubpartitions) {
            for (ResultSubpartition s : ownSubpartitions) {
                used += s.backlog();
                capacity += s.capacity();
            }
        }
        return capacity == 0 ? 0 : (double) used / capacity;
    }

    public long recordsIn() {
        return recordsIn;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
