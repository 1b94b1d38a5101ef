package io.flowmesh.coordinator.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.cluster.checkpoint.CheckpointSettings;
import io.flowmesh.proto.AcknowledgeCheckpoint;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobVertex;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which completed checkpoint is a job's final one: every source subtask acknowledged with its input ended. */
class PendingCheckpointTest {
    private static final String JOB = "eeee0000000000000000000000000005";
    /** Two sources of parallelism 2 and 1, and a sink of parallelism 2. */
    private static final JobGraph GRAPH = JobGraph.newBuilder().setJobId(JOB)
            .addVertices(JobVertex.newBuilder().setVertexId("a").setName("Source: a").setParallelism(2).setMaxParallelism(128).setIsSource(true))
            .addVertices(JobVertex.newBuilder().setVertexId("b").setName("Source: b").setParallelism(1).setMaxParallelism(128).setIsSource(true))
            .addVertices(JobVertex.newBuilder().setVertexId("s").setName("Sink: s").setParallelism(2).setMaxParallelism(128))
            .build();

    private final PendingCheckpoint pending = new PendingCheckpoint(JOB, 7, CheckpointType.CHECKPOINT, 0, "s3://b/checkpoints/" + JOB + "/chk-7",
            1_000, GRAPH, CheckpointSettings.of(Map.of("execution.checkpointing.interval", "1 s"), "s3://b/checkpoints", "s3://b/savepoints"));

    private void ack(String vertex, int subtask, boolean source, boolean endOfInput) {
        pending.acknowledge(AcknowledgeCheckpoint.newBuilder().setVertexId(vertex).setSubtaskIndex(subtask).setSource(source)
                .setEndOfInput(endOfInput).build());
    }

    @Test
    void finalOnlyWhenEverySourceSubtaskAcknowledgedItsEnd() {
        ack("a", 0, true, true);
        ack("s", 0, false, false);
        ack("s", 1, false, false);
        ack("b", 0, true, true);
        assertThat(pending.coversEndOfInput()).as("subtask 1 of source a has not acknowledged").isFalse();
        ack("a", 1, true, true);
        assertThat(pending.fullyAcknowledged()).isTrue();
        assertThat(pending.coversEndOfInput()).isTrue();
    }

    @Test
    void notFinalWhileOneSourceStillReads() {
        ack("a", 0, true, true);
        ack("a", 1, true, true);
        ack("b", 0, true, false);
        ack("s", 0, false, false);
        ack("s", 1, false, false);
        assertThat(pending.fullyAcknowledged()).isTrue();
        assertThat(pending.coversEndOfInput()).isFalse();
    }
}
