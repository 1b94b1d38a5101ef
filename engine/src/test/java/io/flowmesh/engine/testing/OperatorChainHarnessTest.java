package io.flowmesh.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.api.functions.Collector;
import io.flowmesh.api.functions.KeyedProcessFunction;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.functions.TimeDomain;
import io.flowmesh.api.state.ValueState;
import io.flowmesh.api.state.ValueStateDescriptor;
import io.flowmesh.api.tuple.Tuple2;
import io.flowmesh.api.windowing.WindowSpec;
import io.flowmesh.api.windowing.assigners.TumblingProcessingTimeWindows;
import io.flowmesh.engine.graph.OperatorSpec;
import io.flowmesh.engine.testing.OperatorChainHarness.Emitted;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorChainHarnessTest implements Serializable {

    /** Emits the key's sum when a processing-time timer fires 100 ms after the key's first record. */
    static final class SumAfterDelay extends KeyedProcessFunction<String, Tuple2<String, Long>, String> {
        private transient ValueState<Long> sum;

        @Override
        public void open(RuntimeContext context) throws Exception {
            super.open(context);
            sum = context.getState(new ValueStateDescriptor<>("sum"));
        }

        @Override
        public void processElement(Tuple2<String, Long> value, Context ctx, Collector<String> out) {
            if (sum.value() == null) {
                ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 100);
            }
            sum.update((sum.value() == null ? 0 : sum.value()) + value.f1);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
            out.collect(ctx.getCurrentKey() + "=" + sum.value() + " at " + timestamp + " " + ctx.timeDomain());
            sum.clear();
        }
    }

    @Test
    void processingTimeTimersFireWhenTheClockPassesThem() throws Exception {
        try (OperatorChainHarness h = OperatorChainHarness.forOperator(OperatorSpec.Kind.KEYED_PROCESS, new SumAfterDelay(),
                (Tuple2<String, Long> t) -> t.f0)) {
            h.setProcessingTime(1000);
            h.processElement(Tuple2.of("a", 1L));
            h.processElement(Tuple2.of("b", 5L));
            h.setProcessingTime(1050);
            h.processElement(Tuple2.of("a", 2L));
            h.setProcessingTime(1099);
            assertThat(h.records()).isEmpty();
            h.setProcessingTime(1100);
            assertThat(h.records()).containsExactly("a=3 at 1100 " + TimeDomain.PROCESSING_TIME, "b=5 at 1100 " + TimeDomain.PROCESSING_TIME);
            h.processElement(Tuple2.of("a", 7L));
            h.setProcessingTime(1300);
            assertThat(h.records()).hasSize(3).last().isEqualTo("a=7 at 1200 " + TimeDomain.PROCESSING_TIME);
        }
    }

    @Test
    void watermarksAreForwardedAfterTheTimersTheyFire() throws Exception {
        KeyedProcessFunction<String, String, String> echoTimer = new KeyedProcessFunction<>() {
            @Override
            public void processElement(String value, Context ctx, Collector<String> out) {
                ctx.timerService().registerEventTimeTimer(ctx.timestamp() + 5);
            }

            @Override
            public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
                out.collect(ctx.getCurrentKey() + "@" + timestamp);
            }
        };
        try (OperatorChainHarness h = OperatorChainHarness.forOperator(OperatorSpec.Kind.KEYED_PROCESS, echoTimer, (String s) -> s)) {
            h.processElement("x", 10);
            h.processElement("y", 12);
            h.processWatermark(16);
            assertThat(h.emitted()).containsExactly(new Emitted.Record("x@15", 15), new Emitted.Watermark(16));
            h.endInput();
            assertThat(h.emitted()).endsWith(new Emitted.Record("y@17", 17), new Emitted.Watermark(Long.MAX_VALUE));
        }
    }

    @Test
    void processingTimeWindowsFireOnTheClock() throws Exception {
        WindowSpec spec = new WindowSpec(TumblingProcessingTimeWindows.of(Duration.ofMillis(100)),
                (Tuple2<String, Long> a, Tuple2<String, Long> b) -> Tuple2.of(a.f0, a.f1 + b.f1), null, null, 0, null);
        try (OperatorChainHarness h = OperatorChainHarness.forOperator(OperatorSpec.Kind.WINDOW, spec, (Tuple2<String, Long> t) -> t.f0)) {
            h.setProcessingTime(1010);
            h.processElement(Tuple2.of("a", 1L));
            h.processElement(Tuple2.of("a", 2L));
            h.setProcessingTime(1098);
            assertThat(h.records()).isEmpty();
            h.setProcessingTime(1099); // the window [1000, 1100) fires at its max timestamp, as Flink's ProcessingTimeTrigger
            assertThat(h.emitted()).containsExactly(new Emitted.Record(Tuple2.of("a", 3L), 1099));
            h.setProcessingTime(1100);
            h.processElement(Tuple2.of("a", 10L));
            h.endInput();
            assertThat(h.records()).isEqualTo(List.of(Tuple2.of("a", 3L), Tuple2.of("a", 10L)));
        }
    }
}
