package io.flowmesh.engine.testing;

import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.api.sink.Sink;
import io.flowmesh.api.sink.SinkWriter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A sink for jobs run in process ({@code LocalExecutor}) that collects every record, from all its
 * subtasks, into a list the test reads afterwards with {@link #results()}. The sink object is
 * serialized like any function, so records are gathered in a JVM-wide registry by sink id.
 */
public final class CollectSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, ConcurrentLinkedQueue<Object>> RESULTS = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    public CollectSink() {
        RESULTS.put(id, new ConcurrentLinkedQueue<>());
    }

    @Override
    public SinkWriter<T> createWriter(RuntimeContext context) {
        ConcurrentLinkedQueue<Object> queue = RESULTS.get(id);
        return queue::add;
    }

    /** What the sink received so far, in arrival order (which is only deterministic per subtask). */
    @SuppressWarnings("unchecked")
    public List<T> results() {
        return (List<T>) List.copyOf(RESULTS.get(id));
    }

    /** Forgets the results. */
    public void clear() {
        RESULTS.get(id).clear();
    }
}
