package io.flowmesh.bench.jobs;

import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.bench.results.Summary;

/**
 * Where a benchmark sink subtask sends its one {@link Summary}, at the end of its input, on the
 * subtask's thread. Travels to the TaskManagers with the sink, so it must be serializable.
 */
@FunctionalInterface
public interface SummaryPublisher extends Function {
    void publish(RuntimeContext context, String runId, Summary summary) throws Exception;
}
