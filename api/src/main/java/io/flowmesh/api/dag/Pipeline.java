package io.flowmesh.api.dag;

import io.flowmesh.api.serialization.RecordSerializer;
import java.util.List;
import java.util.Map;

/**
 * What {@code execute} hands to the executor: the job's name, its sinks (every transformation is
 * reachable from them through {@link Transformation#inputs()}), its configuration and defaults.
 */
public record Pipeline(String jobName, List<SinkTransformation<?>> sinks, Map<String, String> configuration,
        int defaultParallelism, int defaultMaxParallelism, Map<String, RecordSerializer<?>> typeSerializers) {

    public Pipeline {
        sinks = List.copyOf(sinks);
        configuration = Map.copyOf(configuration);
        typeSerializers = Map.copyOf(typeSerializers);
    }

    public Pipeline(String jobName, List<SinkTransformation<?>> sinks, Map<String, String> configuration, int defaultParallelism,
            int defaultMaxParallelism) {
        this(jobName, sinks, configuration, defaultParallelism, defaultMaxParallelism, Map.of());
    }
}
