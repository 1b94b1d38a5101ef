package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.FilterFunction;
import io.flowmesh.api.functions.FlatMapFunction;
import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.api.functions.MapFunction;
import io.flowmesh.api.functions.ReduceFunction;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.sink.Sink;
import io.flowmesh.api.sink.SinkWriter;
import io.flowmesh.engine.graph.OperatorSpec;
import java.util.HashMap;

/** The operator implementations, created from an {@link OperatorSpec}. */
public final class Operators {
    private Operators() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static StreamOperator create(OperatorSpec spec, RuntimeContext context, Output output) {
        String name = spec.name();
        return switch (spec.kind()) {
            case MAP -> new MapOperator(name, (MapFunction) spec.function(), output);
            case FILTER -> new FilterOperator(name, (FilterFunction) spec.function(), output);
            case FLAT_MAP -> new FlatMapOperator(name, (FlatMapFunction) spec.function(), output);
            case KEYED_REDUCE -> new KeyedReduceOperator(name, (ReduceFunction) spec.function(), (KeySelector) spec.stateKeySelector(), output);
            case SINK -> new SinkOperator(name, (Sink) spec.function(), context);
            case SOURCE -> throw new IllegalArgumentException("a source can only head a chain: '" + name + "'");
        };
    }

    record MapOperator(String name, MapFunction<Object, Object> fn, Output output) implements StreamOperator {
        @Override
        public void processElement(Object record) {
            Object result;
            try {
                result = fn.map(record);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
            if (result == null) {
                throw new OperatorException(name, new NullPointerException("the map function returned null"));
            }
            output.emit(result);
        }
    }

    record FilterOperator(String name, FilterFunction<Object> fn, Output output) implements StreamOperator {
        @Override
        public void processElement(Object record) {
            boolean keep;
            try {
                keep = fn.filter(record);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
            if (keep) {
                output.emit(record);
            }
        }
    }

    record FlatMapOperator(String name, FlatMapFunction<Object, Object> fn, Output output) implements StreamOperator {
        @Override
        public void processElement(Object record) {
            try {
                fn.flatMap(record, output::emit);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }
    }

    /** A running reduce per key; the state is the reduced value of each key seen by this subtask. */
    static final class KeyedReduceOperator implements StreamOperator {
        private final String name;
        private final ReduceFunction<Object> fn;
        private final KeySelector<Object, Object> keySelector;
        private final Output output;
        private final HashMap<Object, Object> state = new HashMap<>();

        KeyedReduceOperator(String name, ReduceFunction<Object> fn, KeySelector<Object, Object> keySelector, Output output) {
            this.name = name;
            this.fn = fn;
            this.keySelector = keySelector;
            this.output = output;
        }

        @Override
        public void processElement(Object record) {
            Object result;
            try {
                Object key = keySelector.getKey(record);
                if (key == null) {
                    throw new NullPointerException("the key selector returned null for record " + record);
                }
                Object current = state.get(key);
                result = current == null ? record : fn.reduce(current, record);
                if (result == null) {
                    throw new NullPointerException("the reduce function returned null");
                }
                state.put(key, result);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
            output.emit(result);
        }

        int numberOfKeys() {
            return state.size();
        }
    }

    static final class SinkOperator implements StreamOperator {
        private final String name;
        private final Sink<Object> sink;
        private final RuntimeContext context;
        private SinkWriter<Object> writer;

        SinkOperator(String name, Sink<Object> sink, RuntimeContext context) {
            this.name = name;
            this.sink = sink;
            this.context = context;
        }

        @Override
        public void open() {
            try {
                writer = sink.createWriter(context);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }

        @Override
        public void processElement(Object record) {
            try {
                writer.write(record);
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
