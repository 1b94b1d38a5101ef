package io.flowmesh.jobmanager.failover;

import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.OperatorState;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which state a (re)deployed job resumes from, and which part of it each vertex gets. Pure
 * functions of the checkpoint metadata and the JobGraph; the scheduler does the S3 reads.
 */
public final class RestoreState {
    private RestoreState() {}

    /**
     * The state to restore: the job's latest completed checkpoint if there is one, else the
     * savepoint the job was submitted with, else none (a fresh start).
     */
    public static Optional<CheckpointMetadata> select(Optional<CheckpointMetadata> latestCheckpoint, Optional<CheckpointMetadata> savepoint) {
        return latestCheckpoint.isPresent() ? latestCheckpoint : savepoint;
    }

    /**
     * The state for one vertex's subtasks: every OperatorState of the metadata (with all the
     * subtasks of the run that wrote it) whose operator is one of the vertex's chained operators,
     * in the metadata's order. Each subtask of the vertex gets the same list and picks its own key
     * groups.
     */
    public static List<OperatorState> forVertex(CheckpointMetadata metadata, JobVertex vertex) {
        Set<String> ids = new HashSet<>(vertex.getOperatorIdsList());
        return metadata.getOperatorsList().stream().filter(o -> ids.contains(o.getOperatorId())).toList();
    }

    /**
     * The first operator of the metadata that holds state (at least one subtask entry) but is
     * not an operator of the job; empty when all state maps to the job's operators.
     */
    public static Optional<String> firstUnmappedOperator(CheckpointMetadata metadata, JobGraph graph) {
        Set<String> ids = new HashSet<>();
        for (JobVertex v : graph.getVerticesList()) {
            ids.addAll(v.getOperatorIdsList());
        }
        return metadata.getOperatorsList().stream()
                .filter(o -> o.getSubtasksCount() > 0 && !ids.contains(o.getOperatorId()))
                .map(RestoreState::describe).findFirst();
    }

    /** "operator &lt;id&gt;", with its uid and name when the metadata knows them. */
    static String describe(OperatorState o) {
        StringBuilder d = new StringBuilder(o.getOperatorId());
        if (!o.getUid().isEmpty() || !o.getOperatorName().isEmpty()) {
            d.append(" (");
            if (!o.getUid().isEmpty()) {
                d.append("uid '").append(o.getUid()).append("'");
            }
            if (!o.getOperatorName().isEmpty()) {
                d.append(o.getUid().isEmpty() ? "" : ", ").append("'").append(o.getOperatorName()).append("'");
            }
            d.append(")");
        }
        return d.toString();
    }

    /**
     * Flink's check when a job starts from a savepoint: state of an operator the job does not have
     * refuses the job unless non-restored state is allowed (then that state is skipped).
     *
     * @return the refusal message, or empty when the job may start
     */
    public static Optional<String> checkAllStateMapped(CheckpointMetadata metadata, JobGraph graph, String savepointPath, boolean allowNonRestoredState) {
        if (allowNonRestoredState) {
            return Optional.empty();
        }
        return firstUnmappedOperator(metadata, graph).map(id -> "savepoint " + savepointPath + " holds state of operator " + id
                + " that the job does not have; remove it or allow non-restored state (-n / --allowNonRestoredState)");
    }
}
