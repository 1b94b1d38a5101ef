package io.flowmesh.jobmanager.scheduler;

import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.engine.graph.DeploymentPlan;
import io.flowmesh.jobmanager.resourcemanager.TaskManagerRegistry;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobVertex;
import java.util.ArrayList;
import java.util.List;

/**
 * The running form of a JobGraph: one {@link Execution} per subtask, the job's status and its
 * slots. Confined to the scheduler's main thread.
 */
final class ExecutionGraph {
    final JobGraph graph;
    final DeploymentPlan deploymentPlan;
    final int attempt = 0;
    final List<Execution> executions = new ArrayList<>();
    JobStatus status = JobStatus.CREATED;
    String failureCause = "";
    TaskManagerRegistry.SlotAllocation slots;
    long createdAt = System.currentTimeMillis();

    ExecutionGraph(JobGraph graph) {
        this.graph = graph;
        this.deploymentPlan = new DeploymentPlan(graph);
        for (JobVertex v : graph.getVerticesList()) {
            for (int i = 0; i < v.getParallelism(); i++) {
                executions.add(new Execution(v, i));
            }
        }
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

    /** One subtask's current attempt. */
    static final class Execution {
        final JobVertex vertex;
        final int subtask;
        ExecutionState state = ExecutionState.EXECUTION_CREATED;
        TaskManagerRegistry.Entry taskManager;

        Execution(JobVertex vertex, int subtask) {
            this.vertex = vertex;
            this.subtask = subtask;
        }
    }
}
