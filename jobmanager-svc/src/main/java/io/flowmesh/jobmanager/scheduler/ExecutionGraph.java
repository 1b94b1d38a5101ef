package io.flowmesh.jobmanager.scheduler;

import io.flowmesh.cluster.checkpoint.CheckpointSettings;
import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.engine.graph.DeploymentPlan;
import io.flowmesh.jobmanager.failover.RestartBackoffTimeStrategy;
import io.flowmesh.jobmanager.resourcemanager.TaskManagerRegistry;
import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobVertex;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The running form of a JobGraph: one {@link Execution} per subtask of the current attempt, the
 * job's status, its slots, its restart strategy and what it restores from. Confined to the
 * scheduler's main thread.
 */
final class ExecutionGraph {
    final JobGraph graph;
    final DeploymentPlan deploymentPlan;
    final CheckpointSettings checkpointSettings;
    final RestartBackoffTimeStrategy restartStrategy;
    /** Incremented on every restart; part of every deployment, report and partition id. */
    int attempt = 0;
    /** The subtasks of the current attempt; replaced by fresh ones on a restart. */
    List<Execution> executions = new ArrayList<>();
    JobStatus status = JobStatus.CREATED;
    /** The cause of the failure that made the job FAILING (the first one of that attempt). */
    String failureCause = "";
    TaskManagerRegistry.SlotAllocation slots;
    long createdAt = System.currentTimeMillis();

    /** The savepoint the job was submitted with (-s), until the job's first checkpoint is found. */
    Optional<CheckpointMetadata> savepoint;
    /** What the current attempt restored from; empty for a fresh start. */
    Optional<CheckpointMetadata> restoredFrom = Optional.empty();

    /** Decided when the job turned FAILING: restart once every subtask is terminal, or fail. */
    boolean restartPlanned;
    /** Wall-clock time before which the restart must not happen (failure time + backoff). */
    long restartNotBefore;
    /**
     * Bumped whenever a pending step (slot retry, backoff timer, state lookup) becomes obsolete
     * because the job changed course (failed, cancelled, restarted); a step whose generation is
     * no longer current does nothing.
     */
    int generation;

    ExecutionGraph(JobGraph graph, CheckpointSettings checkpointSettings, RestartBackoffTimeStrategy restartStrategy,
            Optional<CheckpointMetadata> savepoint) {
        this.graph = graph;
        this.deploymentPlan = new DeploymentPlan(graph);
        this.checkpointSettings = checkpointSettings;
        this.restartStrategy = restartStrategy;
        this.savepoint = savepoint;
        createExecutions();
    }

    /** A job recovered by a new leader: its first attempt here is {@code attempt} (above every attempt of earlier leaders). */
    void recoverAt(int attempt) {
        this.attempt = attempt;
        createExecutions();
    }

    /** Starts the next attempt: every subtask anew, in CREATED. */
    void nextAttempt() {
        attempt++;
        createExecutions();
    }

    private void createExecutions() {
        List<Execution> fresh = new ArrayList<>();
        for (JobVertex v : graph.getVerticesList()) {
            for (int i = 0; i < v.getParallelism(); i++) {
                fresh.add(new Execution(v, i, attempt));
            }
        }
        executions = fresh;
    }

    String jobId() {
        return graph.getJobId();
    }

    int slotsNeeded() {
        return deploymentPlan.slotsNeeded();
    }

    Execution execution(String vertexId, int subtask) {
        for (Execution e : executions) {
            if (e.vertex.getVertexId().equals(vertexId) && e.subtask == subtask) {
                return e;
            }
        }
        return null;
    }

    boolean allTerminal() {
        return executions.stream().allMatch(e -> LifecycleEvents.isTerminal(e.state));
    }

    boolean allFinished() {
        return executions.stream().allMatch(e -> e.state == ExecutionState.EXECUTION_FINISHED);
    }

    /** One subtask in one attempt. */
    static final class Execution {
        final JobVertex vertex;
        final int subtask;
        final int attempt;
        ExecutionState state = ExecutionState.EXECUTION_CREATED;
        TaskManagerRegistry.Entry taskManager;

        Execution(JobVertex vertex, int subtask, int attempt) {
            this.vertex = vertex;
            this.subtask = subtask;
            this.attempt = attempt;
        }
    }
}
