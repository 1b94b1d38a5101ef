package io.flowmesh.engine.operators;

import io.flowmesh.api.eventtime.WatermarkStrategy;

/**
 * Assigns timestamps with a {@link WatermarkStrategy} inside a chain and emits its watermarks
 * periodically ({@code pipeline.auto-watermark-interval}, 2 ms). Watermarks from upstream are
 * dropped, except the final one at the end of input.
 */
final class TimestampsAndWatermarksOperator extends AbstractStreamOperator {
    private final WatermarkGenerator generator;
    private final OperatorContext context;
    private final long interval;

    TimestampsAndWatermarksOperator(String name, WatermarkStrategy<Object> strategy, OperatorContext context, Output output) {
        super(name, output);
        this.context = context;
        this.generator = new WatermarkGenerator(strategy, output, context.processingTime());
        this.interval = WatermarkGenerator.autoWatermarkInterval(context.runtimeContext().configuration());
    }

    @Override
    public void open() {
        if (interval > 0 && !generator.isPunctuated()) {
            schedule(context.processingTime().currentTime() + interval);
        }
    }

    private void schedule(long time) {
        context.processingTime().schedule(time, t -> {
            generator.emitPeriodicWatermark();
            schedule(t + interval);
        });
    }

    @Override
    public void processElement(Object value, long timestamp) {
        long ts;
        try {
            ts = generator.onRecord(value, timestamp);
        } catch (Exception e) {
            throw OperatorException.of(name, e);
        }
        output.emit(value, ts);
        generator.afterRecord();
    }

    @Override
    public void processWatermark(long watermark) {
        if (watermark == Long.MAX_VALUE) {
            output.emitWatermark(watermark);
        }
    }
}
