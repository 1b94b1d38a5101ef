package io.flowmesh.engine.operators;

import io.flowmesh.api.datastream.DataStream;
import io.flowmesh.api.functions.Collector;
import io.flowmesh.api.functions.FilterFunction;
import io.flowmesh.api.functions.FlatMapFunction;
import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.functions.KeyedProcessFunction;
import io.flowmesh.api.functions.MapFunction;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.functions.ProcessFunction;
import io.flowmesh.api.functions.ReduceFunction;
import io.flowmesh.api.sink.Sink;
import io.flowmesh.api.sink.SinkWriter;
import io.flowmesh.api.state.ValueState;
import io.flowmesh.api.state.ValueStateDescriptor;
import io.flowmesh.api.windowing.WindowSpec;
import io.flowmesh.engine.graph.OperatorSpec;
import io.flowmesh.engine.state.HeapKeyedStateBackend;

/** The operator implementations, created from an {@link OperatorSpec}. */
public final class Operators {
    private Operators() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static StreamOperator create(OperatorSpec spec, OperatorContext context, Output output) {
        String name = spec.name();
        return switch (spec.kind()) {
            case MAP -> new MapOperator(name, (MapFunction) spec.function(), context, output);
            case FILTER -> new FilterOperator(name, (FilterFunction) spec.function(), context, output);
            case FLAT_MAP -> new FlatMapOperator(name, (FlatMapFunction) spec.function(), context, output);
            case KEYED_REDUCE -> new KeyedReduceOperator(name, (ReduceFunction) spec.function(), (KeySelector) spec.stateKeySelector(), context, output);
            case PROCESS -> new ProcessOperator(name, (ProcessFunction) spec.function(), context, output);
            case KEYED_PROCESS -> new KeyedProcessOperator(name, (KeyedProcessFunction) spec.function(), (KeySelector) spec.stateKeySelector(),
                    context, output);
            case WINDOW -> new WindowOperator(name, (WindowSpec) spec.function(), (KeySelector) spec.stateKeySelector(), context, output);
            case TIMESTAMPS_AND_WATERMARKS -> new TimestampsAndWatermarksOperator(name,
                    ((DataStream.WatermarkStrategyHolder) spec.function()).strategy(), context, output);
            case SINK -> new SinkOperator(name, (Sink) spec.function(), context);
            case SOURCE -> throw new IllegalArgumentException("a source can only head a chain: '" + name + "'");
        };
    }

    /** A collector that emits with the timestamp of the record being processed. */
    static final class TimestampedCollector implements Collector<Object> {
        private final Output output;
        long timestamp = Output.NO_TIMESTAMP;

        TimestampedCollector(Output output) {
            this.output = output;
        }

        @Override
        public void collect(Object record) {
            if (record == null) {
                throw new NullPointerException("a function emitted null");
            }
            output.emit(record, timestamp);
        }
    }

    static final class MapOperator extends AbstractStreamOperator {
        private final MapFunction<Object, Object> fn;
        private final OperatorContext context;

        MapOperator(String name, MapFunction<Object, Object> fn, OperatorContext context, Output output) {
            super(name, output);
            this.fn = fn;
            this.context = context;
        }

        @Override
        public void open() {
            openFunction(fn, context.runtimeContext());
        }

        @Override
        public void processElement(Object value, long timestamp) {
            Object result;
            try {
                result = fn.map(value);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
            if (result == null) {
                throw new OperatorException(name, new NullPointerException("the map function returned null"));
            }
            output.emit(result, timestamp);
        }

        @Override
        public void close() throws Exception {
            closeFunction(fn);
        }
    }

    static final class FilterOperator extends AbstractStreamOperator {
        private final FilterFunction<Object> fn;
        private final OperatorContext context;

        FilterOperator(String name, FilterFunction<Object> fn, OperatorContext context, Output output) {
            super(name, output);
            this.fn = fn;
            this.context = context;
        }

        @Override
        public void open() {
            openFunction(fn, context.runtimeContext());
        }

        @Override
        public void processElement(Object value, long timestamp) {
            boolean keep;
            try {
                keep = fn.filter(value);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
            if (keep) {
                output.emit(value, timestamp);
            }
        }

        @Override
        public void close() throws Exception {
            closeFunction(fn);
        }
    }

    static final class FlatMapOperator extends AbstractStreamOperator {
        private final FlatMapFunction<Object, Object> fn;
        private final OperatorContext context;
        private final TimestampedCollector collector;

        FlatMapOperator(String name, FlatMapFunction<Object, Object> fn, OperatorContext context, Output output) {
            super(name, output);
            this.fn = fn;
            this.context = context;
            this.collector = new TimestampedCollector(output);
        }

        @Override
        public void open() {
            openFunction(fn, context.runtimeContext());
        }

        @Override
        public void processElement(Object value, long timestamp) {
            collector.timestamp = timestamp;
            try {
                fn.flatMap(value, collector);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }

        @Override
        public void close() throws Exception {
            closeFunction(fn);
        }
    }

    /** A running reduce per key, kept in keyed state; one output per input. */
    static final class KeyedReduceOperator extends AbstractStreamOperator {
        private final ReduceFunction<Object> fn;
        private final KeySelector<Object, Object> keySelector;
        private final OperatorContext context;
        private final HeapKeyedStateBackend backend;
        private final ValueState<Object> state;

        KeyedReduceOperator(String name, ReduceFunction<Object> fn, KeySelector<Object, Object> keySelector, OperatorContext context, Output output) {
            super(name, output);
            this.fn = fn;
            this.keySelector = keySelector;
            this.context = context;
            this.backend = context.newKeyedBackend();
            this.state = backend.getState(new ValueStateDescriptor<>("_reduce"));
        }

        @Override
        public void open() {
            openFunction(fn, context.runtimeContext());
        }

        @Override
        public void processElement(Object value, long timestamp) {
            Object result;
            try {
                Object key = keySelector.getKey(value);
                if (key == null) {
                    throw new NullPointerException("the key selector returned null for record " + value);
                }
                backend.setCurrentKey(key);
                Object current = state.value();
                result = current == null ? value : fn.reduce(current, value);
                if (result == null) {
                    throw new NullPointerException("the reduce function returned null");
                }
                state.update(result);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
            output.emit(result, timestamp);
        }

        @Override
        public void close() throws Exception {
            closeFunction(fn);
        }
    }

    /** ProcessFunction on a non-keyed stream. */
    static final class ProcessOperator extends AbstractStreamOperator {
        private final ProcessFunction<Object, Object> fn;
        private final OperatorContext context;
        private final TimestampedCollector collector;
        private final ProcessFunction<Object, Object>.Context ctx;

        ProcessOperator(String name, ProcessFunction<Object, Object> fn, OperatorContext context, Output output) {
            super(name, output);
            this.fn = fn;
            this.context = context;
            this.collector = new TimestampedCollector(output);
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
                public long currentProcessingTime() {
                    return context.processingTime().currentTime();
                }

                @Override
                public <X> void output(OutputTag<X> tag, X value) {
                    output.emitSide(tag, value, collector.timestamp);
                }
            };
        }

        @Override
        public void open() {
            openFunction(fn, context.runtimeContext());
        }

        @Override
        public void processElement(Object value, long timestamp) {
            collector.timestamp = timestamp;
            try {
                fn.processElement(value, ctx, collector);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }

        @Override
        public void close() throws Exception {
            closeFunction(fn);
        }
    }

    static final class SinkOperator extends AbstractStreamOperator {
        private final Sink<Object> sink;
        private final OperatorContext context;
        private SinkWriter<Object> writer;

        SinkOperator(String name, Sink<Object> sink, OperatorContext context) {
            super(name, Output.DISCARDING);
            this.sink = sink;
            this.context = context;
        }

        @Override
        public void open() {
            try {
                writer = sink.createWriter(context.runtimeContext());
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }

        @Override
        public void processElement(Object value, long timestamp) {
            try {
                writer.write(value);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }

        @Override
        public void finish() {
            try {
                writer.flush(true);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }

        @Override
        public void close() throws Exception {
            if (writer != null) {
                writer.close();
            }
        }
    }
}
