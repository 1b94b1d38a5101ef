package io.flowmesh.engine.graph;

import io.flowmesh.api.dag.Pipeline;
import io.flowmesh.api.environment.JobExecutionResult;
import io.flowmesh.api.environment.StreamExecutionEnvironment;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Captures the pipeline a program fragment builds, as the dispatcher does. */
final class Pipelines {
    private Pipelines() {}

    interface Program {
        void build(StreamExecutionEnvironment env) throws Exception;
    }

    static Pipeline capture(Map<String, String> conf, Program program) throws Exception {
        AtomicReference<Pipeline> captured = new AtomicReference<>();
        StreamExecutionEnvironment.setContextExecutor(p -> {
            captured.set(p);
            return new JobExecutionResult("test");
        }, conf);
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            program.build(env);
            env.execute("test job");
        } finally {
            StreamExecutionEnvironment.clearContextExecutor();
        }
        return captured.get();
    }
}
