package io.flowmesh.operator.service;

import java.util.List;
import java.util.Map;

/**
 * What the operator asks the dispatcher to run: the job spec's fields, the effective Flink
 * configuration, and the savepoint or checkpoint to restore from ({@code null}: empty state).
 */
public record JobSubmission(String jarUri, String entryClass, List<String> args, int parallelism,
                            Map<String, String> configuration, String restorePath, boolean allowNonRestoredState) {}
