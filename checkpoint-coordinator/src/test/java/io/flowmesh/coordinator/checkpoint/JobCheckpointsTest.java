package io.flowmesh.coordinator.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.cluster.checkpoint.CheckpointSettings;
import io.flowmesh.coordinator.job.JobView;
import io.flowmesh.proto.AcknowledgeCheckpoint;
import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.DeclineCheckpoint;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobStatusChanged;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.SourceInputEnded;
import io.flowmesh.proto.TriggerCheckpoint;
import io.flowmesh.proto.TaskStatusChanged;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The state machine's failure accounting, which the IT cannot observe (no JobManager runs there):
 * FailJob after one failure more than tolerable, resets, uncounted aborts, a failed _metadata write.
 * The I/O port records what the machine asked for.
 */
class JobCheckpointsTest {
    private static final String JOB = "dddd0000000000000000000000000004";
    private static final JobGraph GRAPH = JobGraph.newBuilder().setJobId(JOB)
            .addVertices(JobVertex.newBuilder().setVertexId("v").setName("Source: s -> Map").setParallelism(2).setMaxParallelism(128)
                    .setIsSource(true).addOperatorIds("op")).build();

    private final List<String> calls = new ArrayList<>();
    private boolean metadataWriteFails;
    private final CheckpointActions actions = new CheckpointActions() {
        @Override
        public void publish(CheckpointEvent e) {
            calls.add(e.getEventCase() + " " + e.getCheckpointId() + (e.hasAbort() ? ": " + e.getAbort().getCause() : "")
                    + (e.getCompleted().getEndOfInput() ? " (end of input)" : ""));
        }

        @Override
        public void writeMetadata(String location, CheckpointMetadata metadata) {
            if (metadataWriteFails) {
                throw new IllegalStateException("S3 answered 503");
            }
            calls.add("METADATA " + metadata.getCheckpointId());
        }

        @Override
        public void discard(String location) {
            calls.add("DISCARD " + location.substring(location.lastIndexOf('/') + 1));
        }

        @Override
        public void failJob(String jobId, int attempt, String cause) {
            calls.add("FAILJOB " + jobId + " " + attempt + ": " + cause);
        }

        @Override
        public void recordCompleted(String jobId, CheckpointType type, long durationMs, long stateSizeBytes) {}

        @Override
        public void recordFailed(String jobId, CheckpointType type) {}
    };

    private final JobCheckpoints cps = new JobCheckpoints(JOB, 50, actions);
    private JobView job;
    private long now = 1_000_000;

    private void start(int tolerable) {
        job = new JobView(JOB);
        Map<String, String> conf = Map.of("execution.checkpointing.interval", "100 ms", "execution.checkpointing.timeout", "1 s",
                "execution.checkpointing.tolerable-failed-checkpoints", String.valueOf(tolerable));
        CheckpointSettings settings = CheckpointSettings.of(conf, "s3://b/checkpoints", "s3://b/savepoints");
        job.graphLoaded(GRAPH, settings, null);
        job.apply(LifecycleEvent.newBuilder().setJobId(JOB).setJobStatusChanged(JobStatusChanged.newBuilder().setStatus(JobStatus.RUNNING)).build());
        task(0, ExecutionState.EXECUTION_RUNNING);
        task(1, ExecutionState.EXECUTION_RUNNING);
        cps.recoverStorage(settings, Set.of(), new TreeSet<>());
    }

    private void task(int subtask, ExecutionState state) {
        job.apply(LifecycleEvent.newBuilder().setJobId(JOB).setTaskStatusChanged(TaskStatusChanged.newBuilder().setVertexId("v")
                .setSubtaskIndex(subtask).setState(state)).build());
    }

    /** Advances the clock until the next checkpoint is triggered; returns its id. */
    private long nextTrigger() {
        for (int i = 0; i < 100 && cps.pending().isEmpty(); i++) {
            now += 10;
            cps.tick(now, job);
        }
        return cps.pending().orElseThrow().id();
    }

    private void decline(long id) {
        cps.decline(now, CheckpointEvent.newBuilder().setJobId(JOB).setCheckpointId(id)
                .setDecline(DeclineCheckpoint.newBuilder().setVertexId("v").setSubtaskIndex(1).setCause("java.io.IOException: boom")).build());
    }

    private void ackAll(long id) {
        for (int i = 0; i < 2; i++) {
            cps.acknowledge(now, CheckpointEvent.newBuilder().setJobId(JOB).setCheckpointId(id)
                    .setAcknowledge(AcknowledgeCheckpoint.newBuilder().setVertexId("v").setSubtaskIndex(i)).build());
        }
    }

    @Test
    void oneFailureMoreThanTolerableFailsTheJobOnceAndResetsTheCount() {
        start(1);
        long first = nextTrigger();
        decline(first);
        assertThat(cps.consecutiveFailures()).isEqualTo(1);
        long second = nextTrigger();
        now += 1000;
        cps.tick(now, job);
        assertThat(calls).containsExactly(
                "TRIGGER 1", "ABORT 1: Checkpoint 1 was declined by subtask 1 of vertex v: java.io.IOException: boom", "DISCARD chk-1",
                "TRIGGER 2", "ABORT 2: Checkpoint expired before completing (execution.checkpointing.timeout 1000 ms)", "DISCARD chk-2",
                "FAILJOB " + JOB + " 0: Exceeded checkpoint tolerable failure threshold: 2 consecutive failed checkpoints"
                        + " (execution.checkpointing.tolerable-failed-checkpoints = 1), the last: Checkpoint expired before completing"
                        + " (execution.checkpointing.timeout 1000 ms)");
        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(2);
        assertThat(cps.consecutiveFailures()).isZero();
    }

    @Test
    void aCompletedCheckpointResetsTheCount() {
        start(1);
        decline(nextTrigger());
        long id = nextTrigger();
        ackAll(id);
        assertThat(cps.consecutiveFailures()).isZero();
        decline(nextTrigger());
        assertThat(calls).noneMatch(c -> c.startsWith("FAILJOB"));
        assertThat(calls).contains("METADATA 2", "COMPLETED 2");
    }

    @Test
    void aSubtaskLeavingRunningAbortsWithoutCounting() {
        start(0);
        nextTrigger();
        task(1, ExecutionState.EXECUTION_FAILED);
        cps.lifecycleChanged(now, job);
        assertThat(calls).containsExactly("TRIGGER 1",
                "ABORT 1: subtask Source: s -> Map (2/2) of job " + JOB + " attempt 0 is FAILED, not RUNNING", "DISCARD chk-1");
        assertThat(cps.consecutiveFailures()).isZero();
    }

    @Test
    void aFailedMetadataWriteFailsTheCheckpointAndCounts() {
        start(0);
        metadataWriteFails = true;
        ackAll(nextTrigger());
        assertThat(calls).containsExactly("TRIGGER 1",
                "ABORT 1: Checkpoint 1 could not write s3://b/checkpoints/" + JOB + "/chk-1/_metadata: S3 answered 503", "DISCARD chk-1",
                "FAILJOB " + JOB + " 0: Exceeded checkpoint tolerable failure threshold: 1 consecutive failed checkpoints"
                        + " (execution.checkpointing.tolerable-failed-checkpoints = 0), the last: Checkpoint 1 could not write s3://b/checkpoints/"
                        + JOB + "/chk-1/_metadata: S3 answered 503");
    }

    @Test
    void aDuplicateAcknowledgementDoesNotCompleteTheCheckpoint() {
        start(0);
        long id = nextTrigger();
        for (int i = 0; i < 2; i++) {
            cps.acknowledge(now, CheckpointEvent.newBuilder().setJobId(JOB).setCheckpointId(id)
                    .setAcknowledge(AcknowledgeCheckpoint.newBuilder().setVertexId("v").setSubtaskIndex(0)).build());
        }
        assertThat(cps.pending()).isPresent();
        assertThat(cps.pending().get().acknowledged()).isEqualTo(1);
    }

    @Test
    void aLateAcknowledgementOfAnAbortedCheckpointDiscardsItsDirectoryAgain() {
        start(5);
        long id = nextTrigger();
        decline(id);
        cps.acknowledge(now, CheckpointEvent.newBuilder().setJobId(JOB).setCheckpointId(id)
                .setAcknowledge(AcknowledgeCheckpoint.newBuilder().setVertexId("v").setSubtaskIndex(0)).build());
        ackAll(nextTrigger()); // completes checkpoint 2; a duplicate acknowledgement of it must not discard anything
        cps.acknowledge(now, CheckpointEvent.newBuilder().setJobId(JOB).setCheckpointId(2)
                .setAcknowledge(AcknowledgeCheckpoint.newBuilder().setVertexId("v").setSubtaskIndex(0)).build());
        assertThat(calls).containsExactly("TRIGGER 1", "ABORT 1: Checkpoint 1 was declined by subtask 1 of vertex v: java.io.IOException: boom",
                "DISCARD chk-1", "DISCARD chk-1", "TRIGGER 2", "METADATA 2", "COMPLETED 2");
    }

    private static CheckpointEvent replayedTrigger(long id) {
        return CheckpointEvent.newBuilder().setJobId(JOB).setCheckpointId(id)
                .setTrigger(TriggerCheckpoint.newBuilder().setType(CheckpointType.CHECKPOINT).setTargetLocation("s3://b/checkpoints/" + JOB + "/chk-" + id))
                .build();
    }

    private static CheckpointEvent replayedAck(long id, int subtask, boolean endOfInput) {
        return CheckpointEvent.newBuilder().setJobId(JOB).setCheckpointId(id).setAcknowledge(AcknowledgeCheckpoint.newBuilder().setVertexId("v")
                .setSubtaskIndex(subtask).setSource(true).setEndOfInput(endOfInput)).build();
    }

    private static CheckpointEvent inputEnded(int subtask) {
        return CheckpointEvent.newBuilder().setJobId(JOB).setInputEnded(SourceInputEnded.newBuilder().setVertexId("v").setSubtaskIndex(subtask)).build();
    }

    @Test
    void aCompletionRepublishedAfterARestartSaysEndOfInputWhenEverySourceAcknowledgedWithItsInputEnded() {
        cps.replay(replayedTrigger(7));
        cps.replay(replayedAck(7, 0, true));
        cps.replay(replayedAck(7, 1, true));
        cps.resolveReplayedPending(now, true);
        JobCheckpoints other = new JobCheckpoints(JOB, 50, actions);
        other.replay(replayedTrigger(8));
        other.replay(replayedAck(8, 0, true));
        other.replay(replayedAck(8, 1, false));
        other.resolveReplayedPending(now, true);
        assertThat(calls).containsExactly("COMPLETED 7 (end of input)", "COMPLETED 8");
    }

    @Test
    void inputEndedNoticesReadWhileCatchingUpStillTriggerTheFinalCheckpointAtOnce() {
        cps.replay(inputEnded(0));
        cps.replay(inputEnded(1));
        start(0); // interval 100 ms: without the notices nothing is due before 100 ms have passed
        cps.tick(now, job);
        assertThat(calls).containsExactly("TRIGGER 1");
    }

    @Test
    void withOneSourceStillReadingNothingIsTriggeredBeforeTheInterval() {
        cps.replay(inputEnded(0));
        start(0);
        cps.tick(now, job);
        now += 50;
        cps.tick(now, job);
        assertThat(calls).isEmpty();
        assertThat(nextTrigger()).isEqualTo(1);
    }
}
