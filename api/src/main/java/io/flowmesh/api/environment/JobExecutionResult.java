package io.flowmesh.api.environment;

/** What {@code execute} returns: the id of the job the pipeline became. */
public record JobExecutionResult(String jobId) {}
