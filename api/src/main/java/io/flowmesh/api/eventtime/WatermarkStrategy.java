package io.flowmesh.api.eventtime;

import java.io.Serializable;
import java.time.Duration;

/**
 * How a stream's event time advances, as Flink's {@code WatermarkStrategy}: a timestamp assigner
 * and a watermark generator. The watermark is the largest timestamp seen minus the allowed
 * out-of-orderness minus 1 ms: every later record with a timestamp at or below it is late.
 *
 * <pre>{@code
 * WatermarkStrategy.<Event>forBoundedOutOfOrderness(Duration.ofSeconds(5))
 *         .withTimestampAssigner((e, ts) -> e.time())
 *         .withIdleness(Duration.ofMinutes(1));
 * }</pre>
 */
public final class WatermarkStrategy<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long outOfOrdernessMillis;
    private final TimestampAssigner<T> timestampAssigner;
    private final long idlenessMillis;
    private final boolean noWatermarks;
    private final boolean punctuated;

    private WatermarkStrategy(long outOfOrdernessMillis, TimestampAssigner<T> assigner, long idlenessMillis, boolean noWatermarks) {
        this(outOfOrdernessMillis, assigner, idlenessMillis, noWatermarks, false);
    }

    private WatermarkStrategy(long outOfOrdernessMillis, TimestampAssigner<T> assigner, long idlenessMillis, boolean noWatermarks,
            boolean punctuated) {
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.timestampAssigner = assigner;
        this.idlenessMillis = idlenessMillis;
        this.noWatermarks = noWatermarks;
        this.punctuated = punctuated;
    }

    /**
     * Emits the watermark right after every record that advances it, instead of periodically
     * ({@code pipeline.auto-watermark-interval}): a punctuated generator. Windows fire as early as
     * possible and event-time results become deterministic for a given input order, at the cost of
     * one watermark element per advancing record.
     */
    public WatermarkStrategy<T> withPunctuatedEmission() {
        return new WatermarkStrategy<>(outOfOrdernessMillis, timestampAssigner, idlenessMillis, noWatermarks, true);
    }

    public boolean isPunctuated() {
        return punctuated;
    }

    /** Timestamps never decrease: watermark = largest timestamp − 1. */
    public static <T> WatermarkStrategy<T> forMonotonousTimestamps() {
        return new WatermarkStrategy<>(0, null, 0, false);
    }

    public static <T> WatermarkStrategy<T> forBoundedOutOfOrderness(Duration maxOutOfOrderness) {
        if (maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("maxOutOfOrderness must not be negative");
        }
        return new WatermarkStrategy<>(maxOutOfOrderness.toMillis(), null, 0, false);
    }

    /** Records keep (or get) timestamps, but no watermarks are generated. */
    public static <T> WatermarkStrategy<T> noWatermarks() {
        return new WatermarkStrategy<>(0, null, 0, true);
    }

    public WatermarkStrategy<T> withTimestampAssigner(TimestampAssigner<T> assigner) {
        return new WatermarkStrategy<>(outOfOrdernessMillis, assigner, idlenessMillis, noWatermarks, punctuated);
    }

    /** After this long without records, the input is idle and does not hold back the watermark downstream. */
    public WatermarkStrategy<T> withIdleness(Duration idleness) {
        if (idleness.isNegative() || idleness.isZero()) {
            throw new IllegalArgumentException("idleness must be positive");
        }
        return new WatermarkStrategy<>(outOfOrdernessMillis, timestampAssigner, idleness.toMillis(), noWatermarks, punctuated);
    }

    public long outOfOrdernessMillis() {
        return outOfOrdernessMillis;
    }

    /** Null: records keep the timestamps they come with (for example Kafka record timestamps). */
    public TimestampAssigner<T> timestampAssigner() {
        return timestampAssigner;
    }

    /** 0: never idle. */
    public long idlenessMillis() {
        return idlenessMillis;
    }

    public boolean generatesWatermarks() {
        return !noWatermarks;
    }
}
