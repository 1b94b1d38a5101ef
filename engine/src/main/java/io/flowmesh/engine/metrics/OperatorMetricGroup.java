package io.flowmesh.engine.metrics;

import io.flowmesh.api.metrics.Gauge;
import io.flowmesh.api.metrics.MetricGroup;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics of one operator of one subtask: records in and out, current input and output
 * watermark (Flink's operator metric group), per-second rates of the counts, and gauges that the
 * operator's function or source reader registers ({@link MetricGroup}).
 *
 * <p>Threads: the subtask's thread alone writes the counts and watermarks, with plain stores (the
 * hot path stays free of fences, locks and allocation); any other thread reads them with opaque
 * loads (atomic, eventually up to date, never torn). {@link #updateRates} runs on one reporter thread.
 */
public final class OperatorMetricGroup implements MetricGroup {
    private static final VarHandle IN;
    private static final VarHandle OUT;
    private static final VarHandle IN_WATERMARK;
    private static final VarHandle OUT_WATERMARK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            IN = l.findVarHandle(OperatorMetricGroup.class, "numRecordsIn", long.class);
            OUT = l.findVarHandle(OperatorMetricGroup.class, "numRecordsOut", long.class);
            IN_WATERMARK = l.findVarHandle(OperatorMetricGroup.class, "currentInputWatermark", long.class);
            OUT_WATERMARK = l.findVarHandle(OperatorMetricGroup.class, "currentOutputWatermark", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String operatorId;
    private final String operatorName;
    private long numRecordsIn;
    private long numRecordsOut;
    private long currentInputWatermark = Long.MIN_VALUE;
    private long currentOutputWatermark = Long.MIN_VALUE;
    private final Map<String, Gauge<?>> gauges = new ConcurrentHashMap<>();
    private final RateView inRate = new RateView();
    private final RateView outRate = new RateView();
    private volatile boolean source;

    public OperatorMetricGroup(String operatorId, String operatorName) {
        this.operatorId = operatorId;
        this.operatorName = operatorName;
    }

    public String operatorId() {
        return operatorId;
    }

    public String operatorName() {
        return operatorName;
    }

    /** Makes this the group of a source operator, whose records in are the records its reader emitted (its records out), as in Flink. */
    public void markSource() {
        source = true;
    }

    // --- the subtask's thread

    /** One record entered the operator. */
    public void recordIn() {
        numRecordsIn++;
    }

    /** One record left the operator (main or side output). */
    public void recordOut() {
        numRecordsOut++;
    }

    public void inputWatermark(long watermark) {
        currentInputWatermark = watermark;
    }

    public void outputWatermark(long watermark) {
        currentOutputWatermark = watermark;
    }

    // --- any thread

    public long numRecordsIn() {
        return source ? numRecordsOut() : (long) IN.getOpaque(this);
    }

    public long numRecordsOut() {
        return (long) OUT.getOpaque(this);
    }

    /** Milliseconds; {@link Long#MIN_VALUE} before the first watermark. */
    public long currentInputWatermark() {
        return (long) IN_WATERMARK.getOpaque(this);
    }

    /** Milliseconds; {@link Long#MIN_VALUE} before the first watermark. */
    public long currentOutputWatermark() {
        return (long) OUT_WATERMARK.getOpaque(this);
    }

    /** Records in per second over the last rate interval (0 before the second {@link #updateRates}). */
    public double numRecordsInPerSecond() {
        return inRate.rate();
    }

    public double numRecordsOutPerSecond() {
        return outRate.rate();
    }

    /** Samples the counts for the per-second rates (one reporter thread, every few seconds). */
    public void updateRates(long nowNanos) {
        inRate.update(numRecordsIn(), nowNanos);
        outRate.update(numRecordsOut(), nowNanos);
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        gauges.put(name, gauge);
        return gauge;
    }

    /** The gauges registered by the operator's function or source reader, by name (a live view). */
    public Map<String, Gauge<?>> gauges() {
        return java.util.Collections.unmodifiableMap(gauges);
    }
}
