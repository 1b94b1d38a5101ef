package io.flowmesh.engine.operators;

import io.flowmesh.api.eventtime.WatermarkStrategy;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.engine.time.ProcessingTimeService;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-split watermark generation for a source subtask: every split (and the records a reader emits
 * without a split) has its own {@link WatermarkGenerator}; the subtask's watermark is the minimum
 * over the splits that are active, emitted downstream when it advances. All splits idle → the
 * subtask is idle downstream. Task thread only.
 */
public final class SplitWatermarks {
    private final WatermarkStrategy<?> strategy;
    private final Output downstream;
    private final ProcessingTimeService clock;
    private final Map<String, Split> splits = new LinkedHashMap<>();
    private long emitted = Long.MIN_VALUE;
    private boolean idle;

    /** One split's generator and what it last reported. */
    public final class Split implements Output {
        final WatermarkGenerator generator;
        long watermark = Long.MIN_VALUE;
        boolean splitIdle;

        Split() {
            this.generator = new WatermarkGenerator(strategy, this, clock);
        }

        public WatermarkGenerator generator() {
            return generator;
        }

        @Override
        public void emit(Object value, long timestamp) {
            downstream.emit(value, timestamp);
        }

        @Override
        public void emitWatermark(long wm) {
            watermark = wm;
            update();
        }

        @Override
        public void emitSide(OutputTag<?> tag, Object value, long timestamp) {
            downstream.emitSide(tag, value, timestamp);
        }

        @Override
        public void emitStatus(boolean isIdle) {
            splitIdle = isIdle;
            update();
        }
    }

    public SplitWatermarks(WatermarkStrategy<?> strategy, Output downstream, ProcessingTimeService clock) {
        this.strategy = strategy;
        this.downstream = downstream;
        this.clock = clock;
    }

    public Split split(String id) {
        return splits.computeIfAbsent(id, k -> new Split());
    }

    public void release(String id) {
        if (splits.remove(id) != null) {
            update();
        }
    }

    public boolean isPunctuated() {
        return strategy.isPunctuated();
    }

    /** Periodic emission: every split's generator, then the combined watermark. */
    public void emitPeriodicWatermarks() {
        for (Split s : splits.values()) {
            s.generator.emitPeriodicWatermark();
        }
    }

    private void update() {
        long min = Long.MAX_VALUE;
        boolean anyActive = false;
        for (Split s : splits.values()) {
            if (!s.splitIdle) {
                anyActive = true;
                min = Math.min(min, s.watermark);
            }
        }
        if (anyActive && min > emitted && min != Long.MIN_VALUE) {
            emitted = min;
            downstream.emitWatermark(min);
        }
        boolean nowIdle = !anyActive && !splits.isEmpty();
        if (nowIdle != idle) {
            idle = nowIdle;
            downstream.emitStatus(nowIdle);
        }
    }
}
