package io.flowmesh.api.environment;

import io.flowmesh.api.dag.Pipeline;
import io.flowmesh.api.dag.SinkTransformation;
import io.flowmesh.api.dag.SourceTransformation;
import io.flowmesh.api.datastream.DataStreamSource;
import io.flowmesh.api.eventtime.WatermarkStrategy;
import io.flowmesh.api.serialization.RecordSerializer;
import io.flowmesh.api.source.CollectionSource;
import io.flowmesh.api.source.NumberSequenceSource;
import io.flowmesh.api.source.Source;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a program builds its pipeline, as Flink's {@code StreamExecutionEnvironment}. A program
 * calls {@link #getExecutionEnvironment()}, builds streams, and calls {@link #execute(String)}.
 *
 * <p>The environment only records the plan. What {@code execute} does depends on the context the
 * program runs in: under {@code flowmesh run}, the dispatcher runs {@code main} with a context
 * executor installed on the calling thread ({@link #setContextExecutor}) that turns the plan into a
 * JobGraph and submits it.
 */
public class StreamExecutionEnvironment {
    /** Flink's default max parallelism for small jobs: 128 key groups. */
    public static final int DEFAULT_MAX_PARALLELISM = 128;

    private static final ThreadLocal<PipelineExecutor> CONTEXT_EXECUTOR = new ThreadLocal<>();
    private static final ThreadLocal<Map<String, String>> CONTEXT_CONFIGURATION = new ThreadLocal<>();

    private final PipelineExecutor executor;
    private final Map<String, String> configuration = new LinkedHashMap<>();
    private final List<SinkTransformation<?>> sinks = new ArrayList<>();
    private final Map<String, RecordSerializer<?>> typeSerializers = new LinkedHashMap<>();
    private int parallelism;
    private int maxParallelism = DEFAULT_MAX_PARALLELISM;
    private int nextId;

    protected StreamExecutionEnvironment(PipelineExecutor executor, Map<String, String> configuration) {
        this.executor = executor;
        this.configuration.putAll(configuration);
        this.parallelism = Integer.parseInt(configuration.getOrDefault("parallelism.default", "1"));
    }

    /** The environment of the context the program runs in. */
    public static StreamExecutionEnvironment getExecutionEnvironment() {
        Map<String, String> conf = CONTEXT_CONFIGURATION.get();
        return new StreamExecutionEnvironment(CONTEXT_EXECUTOR.get(), conf == null ? Map.of() : conf);
    }

    /**
     * Installs, for the calling thread, the executor that {@code execute} hands the pipeline to, and
     * the configuration new environments start from. Called by the runtime, not by programs.
     */
    public static void setContextExecutor(PipelineExecutor executor, Map<String, String> configuration) {
        CONTEXT_EXECUTOR.set(Objects.requireNonNull(executor));
        CONTEXT_CONFIGURATION.set(Map.copyOf(configuration));
    }

    public static void clearContextExecutor() {
        CONTEXT_EXECUTOR.remove();
        CONTEXT_CONFIGURATION.remove();
    }

    public StreamExecutionEnvironment setParallelism(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        this.parallelism = parallelism;
        return this;
    }

    public int getParallelism() {
        return parallelism;
    }

    public StreamExecutionEnvironment setMaxParallelism(int maxParallelism) {
        if (maxParallelism < 1 || maxParallelism > (1 << 15)) {
            throw new IllegalArgumentException("max parallelism must be in [1, 32768], was " + maxParallelism);
        }
        this.maxParallelism = maxParallelism;
        return this;
    }

    public int getMaxParallelism() {
        return maxParallelism;
    }

    /**
     * Uses {@code serializer} for records of exactly {@code type} between subtasks. Without one,
     * Java records and POJOs are written field by field, and other types by the general fallback.
     */
    public <T> StreamExecutionEnvironment registerTypeSerializer(Class<T> type, RecordSerializer<T> serializer) {
        typeSerializers.put(Objects.requireNonNull(type, "type").getName(), Objects.requireNonNull(serializer, "serializer"));
        return this;
    }

    /**
     * Takes a checkpoint every {@code intervalMillis} in {@link CheckpointingMode#EXACTLY_ONCE} mode:
     * sets {@code execution.checkpointing.interval}. The other {@code execution.checkpointing.*}
     * keys go into {@link #getConfiguration()} (or {@code -D} on {@code flowmesh run}).
     */
    public StreamExecutionEnvironment enableCheckpointing(long intervalMillis) {
        return enableCheckpointing(intervalMillis, CheckpointingMode.EXACTLY_ONCE);
    }

    public StreamExecutionEnvironment enableCheckpointing(long intervalMillis, CheckpointingMode mode) {
        if (intervalMillis < 10) {
            throw new IllegalArgumentException("the checkpoint interval must be at least 10 ms, was " + intervalMillis);
        }
        configuration.put("execution.checkpointing.interval", intervalMillis + " ms");
        configuration.put("execution.checkpointing.mode", Objects.requireNonNull(mode, "mode").name());
        return this;
    }

    /** The job's configuration (Flink keys), mutable until {@code execute}. */
    public Map<String, String> getConfiguration() {
        return configuration;
    }

    /** The numbers {@code from..to}, inclusive, split over the source's subtasks. */
    public DataStreamSource<Long> fromSequence(long from, long to) {
        return fromSource(new NumberSequenceSource(from, to), "Sequence Source");
    }

    public <T> DataStreamSource<T> fromSource(Source<T> source, String name) {
        Objects.requireNonNull(source, "source");
        return new DataStreamSource<>(this, new SourceTransformation<>(nextId(), "Source: " + name, source, null));
    }

    /** A source whose records get event-time timestamps and watermarks from the strategy, per source subtask. */
    public <T> DataStreamSource<T> fromSource(Source<T> source, WatermarkStrategy<T> watermarkStrategy, String name) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(watermarkStrategy, "watermark strategy");
        return new DataStreamSource<>(this, new SourceTransformation<>(nextId(), "Source: " + name, source, watermarkStrategy));
    }

    /** The given elements, in order, from a source of parallelism 1 (elements must be serializable). */
    @SafeVarargs
    public final <T> DataStreamSource<T> fromData(T... elements) {
        return fromCollection(List.of(elements));
    }

    /** The collection's elements, in order, from a source of parallelism 1 (elements must be serializable). */
    public <T> DataStreamSource<T> fromCollection(Collection<T> elements) {
        DataStreamSource<T> s = fromSource(new CollectionSource<>(elements), "Collection Source");
        s.setParallelism(1);
        return s;
    }

    /** Hands the pipeline built so far to the context's executor. */
    public JobExecutionResult execute(String jobName) throws Exception {
        if (sinks.isEmpty()) {
            throw new IllegalStateException("No sinks defined in the job '" + jobName + "': add one with sinkTo(...) before execute()");
        }
        if (executor == null) {
            throw new IllegalStateException(
                    "No Flowmesh cluster context: submit this program with `flowmesh run <jar>` instead of running its main directly");
        }
        return executor.execute(new Pipeline(jobName, sinks, configuration, parallelism, maxParallelism, typeSerializers));
    }

    /** Next transformation id; used by {@code DataStream}. */
    public int nextId() {
        return nextId++;
    }

    /** Registers a sink; used by {@code DataStream.sinkTo}. */
    public void addSink(SinkTransformation<?> sink) {
        sinks.add(sink);
    }
}
