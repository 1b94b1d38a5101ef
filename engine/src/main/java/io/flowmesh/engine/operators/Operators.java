package io.flowmesh.engine.operators;

import java.util.List;

import io.flowmesh.api.datastream.DataStream;
import io.flowmesh.api.functions.CoFlatMapFunction;
import io.flowmesh.api.functions.CoMapFunction;
import io.flowmesh.api.functions.CoProcessFunction;
import io.flowmesh.api.functions.Collector;
import io.flowmesh.api.functions.KeyedCoProcessFunction;
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
            case CO_MAP -> new TwoInputOperators.CoMapOperator(name, (CoMapFunction) spec.function(), context, output);
            case CO_FLAT_MAP -> new TwoInputOperators.CoFlatMapOperator(name, (CoFlatMapFunction) spec.function(), context, output);
            case CO_PROCESS -> new TwoInputOperators.CoProcessOperator(name, (CoProcessFunction) spec.function(), context, output);
            case KEYED_CO_PROCESS -> new KeyedProcessOperator(name, (KeyedCoProcessFunction) spec.function(), (KeySelector) spec.stateKeySelector(),
                    (KeySelector) spec.stateKeySelector2(), context, output);
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

    static final class MapOperator extends AbstractUdfOperator<MapFunction<Object, Object>> {
        MapOperator(String name, MapFunction<Object, Object> fn, OperatorContext context, Output output) {
            super(name, fn, context, output);
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

    }

    static final class FilterOperator extends AbstractUdfOperator<FilterFunction<Object>> {
        FilterOperator(String name, FilterFunction<Object> fn, OperatorContext context, Output output) {
            super(name, fn, context, output);
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

    }

    static final class FlatMapOperator extends AbstractUdfOperator<FlatMapFunction<Object, Object>> {
        private final TimestampedCollector collector;

        FlatMapOperator(String name, FlatMapFunction<Object, Object> fn, OperatorContext context, Output output) {
            super(name, fn, context, output);
            this.collector = new TimestampedCollector(output);
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

    }

    /** A running reduce per key, kept in keyed state; one output per input. */
    static final class KeyedReduceOperator extends AbstractUdfOperator<ReduceFunction<Object>> {
        private final KeySelector<Object, Object> keySelector;
        private final HeapKeyedStateBackend backend;
        private final ValueState<Object> state;

        KeyedReduceOperator(String name, ReduceFunction<Object> fn, KeySelector<Object, Object> keySelector, OperatorContext context, Output output) {
            super(name, fn, context, output);
            this.keySelector = keySelector;
            this.backend = context.newKeyedBackend();
            this.state = backend.getState(new ValueStateDescriptor<>("_reduce"));
        }

        @Override
        public HeapKeyedStateBackend keyedStateBackend() {
            return backend;
        }

        @Override
        protected io.flowmesh.api.functions.RuntimeContext functionContext() {
            return new io.flowmesh.engine.state.KeyedRuntimeContext(context.runtimeContext(), backend);
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

    }

    /** ProcessFunction on a non-keyed stream. */
    static final class ProcessOperator extends AbstractUdfOperator<ProcessFunction<Object, Object>> {
        private final TimestampedCollector collector;
        private final ProcessFunction<Object, Object>.Context ctx;

        ProcessOperator(String name, ProcessFunction<Object, Object> fn, OperatorContext context, Output output) {
            super(name, fn, context, output);
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
        public void processElement(Object value, long timestamp) {
            collector.timestamp = timestamp;
            try {
                fn.processElement(value, ctx, collector);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }

    }

    static final class SinkOperator extends AbstractStreamOperator {
        private final Sink<Object> sink;
        private final OperatorContext context;
        private SinkWriter<Object> writer;
        private List<Object> restored;

        SinkOperator(String name, Sink<Object> sink, OperatorContext context) {
            super(name, Output.DISCARDING);
            this.sink = sink;
            this.context = context;
        }

        @Override
        public void restoreOperatorState(List<Object> union) {
            restored = union;
        }

        @Override
        public void open() {
            try {
                writer = restored == null ? sink.createWriter(context.runtimeContext()) : sink.restoreWriter(context.runtimeContext(), restored);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }

        @Override
        public List<Object> snapshotOperatorState(long checkpointId) {
            try {
                writer.flush(false);
                return writer.snapshotState(checkpointId);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            try {
                writer.notifyCheckpointComplete(checkpointId);
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
