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
import io.flowmesh.engine.graph.ChainSpec;
import io.flowmesh.engine.operators.OperatorChain;
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
    private final List<ResultSubpartition> ownSubpartitions = new ArrayList<>();
    private volatile boolean cancelled;
    private volatile InputGate gate;
    private Thread thread;
    private long lastFlushNanos;
    private long recordsIn;

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
        try {
            chain = setUp();
            chain.open();
            listener.stateChanged(this, ExecutionState.EXECUTION_RUNNING, null);
            lastFlushNanos = System.nanoTime();
            if (chain.isSourceChain()) {
                runSource(chain.sourceReader(), chain.input());
            } else {
                runInput(chain.input());
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
        DynamicSerializer serializer = new DynamicSerializer(userClassLoader);
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
                    tdd.getSubtaskIndex(), out.getConsumerVertexId());
            writers.add(new RecordWriter(subpartitions, selector, serializer, settings.bufferSize()));
        }
        Output tail = switch (writers.size()) {
            case 0 -> Output.DISCARDING;
            case 1 -> {
                RecordWriter w = writers.get(0);
                yield record -> emitSneaky(w, record);
            }
            default -> record -> {
                for (RecordWriter w : writers) {
                    emitSneaky(w, record);
                }
            };
        };
        Map<String, String> conf = new HashMap<>(clusterConfiguration);
        conf.putAll(tdd.getConfigurationMap());
        TaskRuntimeContext context = new TaskRuntimeContext(tdd.getJobId(), taskName, tdd.getSubtaskIndex(), tdd.getParallelism(),
                tdd.getMaxParallelism(), tdd.getAttempt(), Map.copyOf(conf));
        OperatorChain chain = new OperatorChain(spec, context, tail);
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
            gate = g;
            for (InputChannel ch : g.channels()) {
                ch.requestSubpartition();
            }
            inputSerializer = serializer;
        }
        return chain;
    }

    private DynamicSerializer inputSerializer;

    private void runSource(SourceReader<Object> reader, Output output) throws Exception {
        io.flowmesh.api.source.ReaderOutput<Object> readerOutput = output::emit;
        while (!cancelled) {
            InputStatus status = reader.pollNext(readerOutput);
            if (status == InputStatus.END_OF_INPUT) {
                return;
            }
            if (status == InputStatus.NOTHING_AVAILABLE) {
                flushAll();
                LockSupport.parkNanos(1_000_000);
            } else {
                maybeFlushOnTimeout();
            }
        }
    }

    private void runInput(Output output) throws Exception {
        InputGate g = gate;
        int open = g.numberOfChannels();
        DataInputDeserializer in = new DataInputDeserializer();
        while (open > 0 && !cancelled) {
            InputChannel ch = g.pollChannel();
            if (ch == null) {
                flushAll();
                ch = g.awaitChannel(100);
                if (ch == null) {
                    continue;
                }
            }
            Buffer buffer = ch.pollBuffer();
            if (buffer == null) {
                ch.checkError();
                continue;
            }
            g.requeueIfMore(ch);
            in.setBuffer(buffer.data(), 0, buffer.length());
            while (in.available()) {
                byte tag = in.readByte();
                if (tag == BufferFormat.RECORD) {
                    recordsIn++;
                    output.emit(inputSerializer.deserialize(in));
                } else if (tag == BufferFormat.END_OF_PARTITION) {
                    open--;
                } else if (tag == BufferFormat.WATERMARK) {
                    in.readLong();
                } else {
                    throw new IllegalStateException("corrupt buffer from channel " + ch.channelIndex() + ": unknown element tag " + tag);
                }
            }
            ch.onBufferConsumed();
            maybeFlushOnTimeout();
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

    public long recordsIn() {
        return recordsIn;
    }

    private static void emitSneaky(RecordWriter w, Object record) {
        try {
            w.emit(record);
        } catch (Exception e) {
            throw StreamTask.<RuntimeException>sneaky(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
