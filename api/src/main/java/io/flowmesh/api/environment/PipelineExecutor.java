package io.flowmesh.api.environment;

import io.flowmesh.api.dag.Pipeline;

/**
 * Receives the pipeline when a program calls {@code execute}. The dispatcher installs one that
 * captures the pipeline to build a JobGraph; tests may install one that runs it in process.
 */
@FunctionalInterface
public interface PipelineExecutor {
    JobExecutionResult execute(Pipeline pipeline) throws Exception;
}
