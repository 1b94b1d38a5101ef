package io.flowmesh.engine.operators;

import io.flowmesh.api.eventtime.TimestampAssigner;
import io.flowmesh.api.eventtime.WatermarkStrategy;
import io.flowmesh.engine.time.ProcessingTimeService;
import java.util.Map;

/**
 * Applies a {@link WatermarkStrategy}: timestamps records and derives the watermark (largest
 * timestamp − out-of-orderness − 1), emitted periodically only when it advanced; marks the output
 * idle after the strategy's idleness without records, active again with the next record.
 */
public final class WatermarkGenerator {
    private final TimestampAssigner<Object> assigner;
    private final long outOfOrderness;
    private final long idleness;
    private final boolean generates;
    private final boolean punctuated;
    private final Output output;
    private final ProcessingTimeService clock;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastEmitted = Long.MIN_VALUE;
    private long lastRecordTime;
    private boolean idle;

    @SuppressWarnings("unchecked")
    public WatermarkGenerator(WatermarkStrategy<?> strategy, Output output, ProcessingTimeService clock) {
        this.assigner = (TimestampAssigner<Object>) strategy.timestampAssigner();
        this.outOfOrderness = strategy.outOfOrdernessMillis();
        this.idleness = strategy.idlenessMillis();
        this.generates = strategy.generatesWatermarks();
        this.punctuated = strategy.isPunctuated();
        this.output = output;
        this.clock = clock;
        this.lastRecordTime = clock.currentTime();
    }

    /** {@code pipeline.auto-watermark-interval} in ms (default 2; Flink: 200 — see docs/architecture.md, Event time). */
    public static long autoWatermarkInterval(Map<String, String> conf) {
        String v = conf.getOrDefault("pipeline.auto-watermark-interval", "2").trim().toLowerCase(java.util.Locale.ROOT);
        if (v.endsWith("ms")) {
            v = v.substring(0, v.length() - 2).trim();
        }
        return Long.parseLong(v);
    }

    /**
     * The record's event timestamp; updates the watermark's basis. With punctuated emission the caller
     * must emit the record first and then call {@link #afterRecord()}.
     */
    public long onRecord(Object value, long recordTimestamp) throws Exception {
        long ts = assigner == null ? recordTimestamp : assigner.extractTimestamp(value, recordTimestamp);
        if (ts > maxTimestamp) {
            maxTimestamp = ts;
        }
        if (idleness > 0) {
            lastRecordTime = clock.currentTime();
            if (idle) {
                idle = false;
                output.emitStatus(false);
            }
        }
        return ts;
    }

    /** After the record was emitted: a punctuated strategy emits the watermark now if it advanced. */
    public void afterRecord() {
        if (punctuated && generates && maxTimestamp != Long.MIN_VALUE) {
            long wm = maxTimestamp - outOfOrderness - 1;
            if (wm > lastEmitted) {
                lastEmitted = wm;
                output.emitWatermark(wm);
            }
        }
    }

    public boolean isPunctuated() {
        return punctuated;
    }

    public void emitPeriodicWatermark() {
        if (idleness > 0 && !idle && clock.currentTime() - lastRecordTime >= idleness) {
            idle = true;
            output.emitStatus(true);
            return;
        }
        if (!generates || idle || maxTimestamp == Long.MIN_VALUE) {
            return;
        }
        long wm = maxTimestamp - outOfOrderness - 1;
        if (wm > lastEmitted) {
            lastEmitted = wm;
            output.emitWatermark(wm);
        }
    }
}
