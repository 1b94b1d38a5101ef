package io.flowmesh.jobmanager.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.OperatorState;
import io.flowmesh.proto.OperatorSubtaskState;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestoreStateTest {
    private static OperatorState state(String operatorId, int subtasks) {
        OperatorState.Builder b = OperatorState.newBuilder().setOperatorId(operatorId).setParallelism(Math.max(1, subtasks)).setMaxParallelism(128);
        for (int i = 0; i < subtasks; i++) {
            b.addSubtasks(OperatorSubtaskState.newBuilder().setOperatorId(operatorId).setSubtaskIndex(i)
                    .setUri("s3://b/checkpoints/j/chk-7/" + operatorId + "-" + i).setKeyGroupStart(i * 64).setKeyGroupEnd(i * 64 + 63));
        }
        return b.build();
    }

    private static CheckpointMetadata metadata(long id, CheckpointType type, OperatorState... operators) {
        CheckpointMetadata.Builder b = CheckpointMetadata.newBuilder().setJobId("j").setCheckpointId(id).setType(type);
        for (OperatorState o : operators) {
            b.addOperators(o);
        }
        return b.build();
    }

    private static JobVertex vertex(String id, String... operatorIds) {
        JobVertex.Builder b = JobVertex.newBuilder().setVertexId(id).setName(id).setParallelism(2).setMaxParallelism(128);
        for (String o : operatorIds) {
            b.addOperatorIds(o);
        }
        return b.build();
    }

    @Test
    void aVertexGetsTheWholeStateOfEachOfItsOperatorsInMetadataOrder() {
        OperatorState a = state("op-a", 2);
        OperatorState b = state("op-b", 0);
        OperatorState c = state("op-c", 1);
        OperatorState d = state("op-d", 3);
        CheckpointMetadata m = metadata(7, CheckpointType.CHECKPOINT, a, b, c, d);

        assertThat(RestoreState.forVertex(m, vertex("v1", "op-c", "op-a", "op-x"))).containsExactly(a, c);
        assertThat(RestoreState.forVertex(m, vertex("v2", "op-b"))).containsExactly(b);
        assertThat(RestoreState.forVertex(m, vertex("v3", "op-y"))).isEmpty();
        assertThat(RestoreState.forVertex(m, vertex("v1", "op-c", "op-a")).get(0).getSubtasksList()).hasSize(2);
    }

    @Test
    void theLatestCheckpointWinsOverTheSavepoint() {
        CheckpointMetadata checkpoint = metadata(12, CheckpointType.CHECKPOINT, state("op-a", 1));
        CheckpointMetadata savepoint = metadata(3, CheckpointType.SAVEPOINT, state("op-a", 1));
        assertThat(RestoreState.select(Optional.of(checkpoint), Optional.of(savepoint))).containsSame(checkpoint);
        assertThat(RestoreState.select(Optional.empty(), Optional.of(savepoint))).containsSame(savepoint);
        assertThat(RestoreState.select(Optional.of(checkpoint), Optional.empty())).containsSame(checkpoint);
        assertThat(RestoreState.select(Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void stateOfAnOperatorTheJobDoesNotHaveRefusesTheJobUnlessAllowed() {
        JobGraph graph = JobGraph.newBuilder().setJobId("j").addVertices(vertex("v1", "op-a", "op-b")).addVertices(vertex("v2", "op-c")).build();
        CheckpointMetadata m = metadata(5, CheckpointType.SAVEPOINT, state("op-a", 2), state("op-gone", 1), state("op-c", 1));
        String path = "s3://flowmesh/savepoints/savepoint-abcdef-5";

        assertThat(RestoreState.firstUnmappedOperator(m, graph)).contains("op-gone");
        assertThat(RestoreState.checkAllStateMapped(m, graph, path, false)).contains("savepoint s3://flowmesh/savepoints/savepoint-abcdef-5 holds state "
                + "of operator op-gone that the job does not have; remove it or allow non-restored state (-n / --allowNonRestoredState)");
        assertThat(RestoreState.checkAllStateMapped(m, graph, path, true)).isEmpty();
        // with the uid and name the coordinator writes into the metadata, the message names them
        CheckpointMetadata named = metadata(5, CheckpointType.SAVEPOINT, state("op-a", 2),
                state("op-gone", 1).toBuilder().setUid("running-count").setOperatorName("Running count").build());
        assertThat(RestoreState.checkAllStateMapped(named, graph, path, false)).contains("savepoint s3://flowmesh/savepoints/savepoint-abcdef-5"
                + " holds state of operator op-gone (uid 'running-count', 'Running count') that the job does not have; remove it or allow"
                + " non-restored state (-n / --allowNonRestoredState)");
        // the skipped operator is simply not given to any vertex
        assertThat(RestoreState.forVertex(m, graph.getVertices(0))).extracting(OperatorState::getOperatorId).containsExactly("op-a");
    }

    @Test
    void aRemovedOperatorWithoutStateDoesNotCount() {
        JobGraph graph = JobGraph.newBuilder().setJobId("j").addVertices(vertex("v1", "op-a")).build();
        CheckpointMetadata m = metadata(5, CheckpointType.SAVEPOINT, state("op-stateless-gone", 0), state("op-a", 1));
        assertThat(RestoreState.firstUnmappedOperator(m, graph)).isEmpty();
        assertThat(RestoreState.checkAllStateMapped(m, graph, "s3://b/sp", false)).isEmpty();
    }
}
