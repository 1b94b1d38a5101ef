package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.CoFlatMapFunction;
import io.flowmesh.api.functions.CoMapFunction;
import io.flowmesh.api.functions.CoProcessFunction;
import io.flowmesh.api.functions.OutputTag;

/** The non-keyed two-input operators; the keyed one is {@link KeyedProcessOperator}. */
final class TwoInputOperators {
    private TwoInputOperators() {}

    static final class CoMapOperator extends AbstractUdfOperator<CoMapFunction<Object, Object, Object>> {
        CoMapOperator(String name, CoMapFunction<Object, Object, Object> fn, OperatorContext context, Output output) {
            super(name, fn, context, output);
        }

        @Override
        public void processElement(Object value, long timestamp) {
            Object result;
            try {
                result = fn.map1(value);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
            output.emit(result, timestamp);
        }

        @Override
        public void processElement2(Object value, long timestamp) {
            Object result;
            try {
                result = fn.map2(value);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
            output.emit(result, timestamp);
        }
    }

    static final class CoFlatMapOperator extends AbstractUdfOperator<CoFlatMapFunction<Object, Object, Object>> {
        private final Operators.TimestampedCollector collector;

        CoFlatMapOperator(String name, CoFlatMapFunction<Object, Object, Object> fn, OperatorContext context, Output output) {
            super(name, fn, context, output);
            this.collector = new Operators.TimestampedCollector(output);
        }

        @Override
        public void processElement(Object value, long timestamp) {
            collector.timestamp = timestamp;
            try {
                fn.flatMap1(value, collector);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }

        @Override
        public void processElement2(Object value, long timestamp) {
            collector.timestamp = timestamp;
            try {
                fn.flatMap2(value, collector);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }
    }

    static final class CoProcessOperator extends AbstractUdfOperator<CoProcessFunction<Object, Object, Object>> {
        private final Operators.TimestampedCollector collector;
        private final CoProcessFunction<Object, Object, Object>.Context ctx;

        CoProcessOperator(String name, CoProcessFunction<Object, Object, Object> fn, OperatorContext context, Output output) {
            super(name, fn, context, output);
            this.collector = new Operators.TimestampedCollector(output);
            this.ctx = fn.new Context() {
                @Override
                public Long timestamp() {
                    return collector.timestamp == Output.NO_TIMESTAMP ? null : collector.timestamp;
                }

                @Override
                public long currentWatermark() {
                    return currentWatermark;
                }

                @Override
                public <X> void output(OutputTag<X> tag, X value) {
                    output.emitSide(tag, value, collector.timestamp);
                }
            };
        }

        @Override
        public void processElement(Object value, long timestamp) {
            collector.timestamp = timestamp;
            try {
                fn.processElement1(value, ctx, collector);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }

        @Override
        public void processElement2(Object value, long timestamp) {
            collector.timestamp = timestamp;
            try {
                fn.processElement2(value, ctx, collector);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }
    }
}
