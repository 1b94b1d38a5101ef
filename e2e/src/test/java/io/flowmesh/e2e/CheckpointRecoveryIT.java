package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobStatusChanged;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Exactly-once through a {@code kill -9}: the Kafka-to-Kafka count (W4's shape, throttled so that
 * it runs for several seconds) on a real cluster; at one point of the checkpoint cycle a
 * TaskManager is killed and started again; the job restarts from its latest completed checkpoint
 * (or from the beginning) and finishes. A {@code read_committed} consumer then sees, record by
 * record, exactly the counts 1..n_k of every key once — nothing lost, nothing twice. The kill
 * points: after a completed checkpoint; before the first checkpoint (the sinks' first transactions
 * are open); during a checkpoint's state upload (the checkpoint never completes); and right after
 * a checkpoint completed, before the sinks committed its transactions (the restore must commit
 * them). To make the last two windows wide enough to hit, the TaskManagers of this cluster delay
 * every state upload and every completion notice by {@value #DELAY_MS} ms (fault injection,
 * {@code flowmesh.taskmanager.fault-injection.*}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointRecoveryIT {
    private static final int RECORDS = 40_000;
    private static final int DELAY_MS = 600;

    private TestCluster cluster;
    private DispatcherClient client;
    private Artifact artifact;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start("checkpoint-recovery-it", Map.of(
                "flowmesh.taskmanager.fault-injection.state-upload-delay", DELAY_MS + "ms",
                "flowmesh.taskmanager.fault-injection.checkpoint-complete-delay", DELAY_MS + "ms"));
        client = new DispatcherClient(cluster.dispatcher());
        artifact = client.upload(cluster.home.resolve("examples/target/flowmesh-examples.jar"));
    }

    @AfterAll
    void stopCluster() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** The kill point: waits for it (the job runs), returns once it is reached. */
    private interface KillPoint {
        void await(String jobId, String out) throws Exception;
    }

    @Test
    void killedAfterACompletedCheckpoint() throws Exception {
        killATaskManagerAndCheckTheOutput("500", (jobId, out) -> CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0,
                Duration.ofSeconds(30)));
    }

    @Test
    void killedBeforeTheFirstCheckpoint() throws Exception {
        String[] job = new String[1];
        killATaskManagerAndCheckTheOutput("4000", (jobId, out) -> {
            job[0] = jobId;
            CountJob.awaitAnyRecord(cluster.kafka(), out, Duration.ofSeconds(30)); // a sink's first transaction is open
        }, () -> assertThat(CountJob.checkpointEvents(cluster.kafka(), job[0])).as("no checkpoint completed before the kill")
                .noneMatch(CheckpointEvent::hasCompleted));
    }

    @Test
    void killedWhileACheckpointUploadsItsState() throws Exception {
        long[] uploading = new long[1];
        String[] job = new String[1];
        killATaskManagerAndCheckTheOutput("500", (jobId, out) -> {
            job[0] = jobId;
            long completed = CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0, Duration.ofSeconds(30)).getCheckpointId();
            uploading[0] = CountJob.awaitCheckpointEvent(cluster.kafka(), jobId, Duration.ofSeconds(30), "the next trigger",
                    e -> e.hasTrigger() && e.getCheckpointId() > completed).getCheckpointId();
            Thread.sleep(DELAY_MS / 4); // barriers pass every subtask within milliseconds; each upload waits DELAY_MS first
        }, () -> assertThat(CountJob.checkpointEvents(cluster.kafka(), job[0])).as("checkpoint " + uploading[0] + " never completed")
                .noneMatch(e -> e.hasCompleted() && e.getCheckpointId() == uploading[0]));
    }

    @Test
    void killedAfterACompletionBeforeTheSinksCommitted() throws Exception {
        killATaskManagerAndCheckTheOutput("500", (jobId, out) -> CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0,
                Duration.ofSeconds(30))); // the TaskManagers hear of it DELAY_MS later
    }

    private void killATaskManagerAndCheckTheOutput(String checkpointMillis, KillPoint killPoint) throws Exception {
        killATaskManagerAndCheckTheOutput(checkpointMillis, killPoint, () -> { });
    }

    private void killATaskManagerAndCheckTheOutput(String checkpointMillis, KillPoint killPoint, ThrowingRunnable afterKill)
            throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String in = "eo-in-" + suffix;
        String out = "eo-out-" + suffix;
        CountJob.prepare(cluster.kafka(), RECORDS, in, out);
        // 2 source subtasks at 2,000 records/s each: ~10 s of input (a checkpoint takes a few DELAY_MS here)
        String jobId = client.submit(artifact.getUri(), CountJob.EXAMPLE_CLASS, 2, List.of("--in", in, "--out", out, "--checkpoint-ms",
                checkpointMillis, "--records-per-second", "2000")).getJobId();
        client.awaitStatus(jobId, JobStatus.RUNNING, Duration.ofSeconds(60));
        killPoint.await(jobId, out);

        cluster.kill9("taskmanager-2");
        afterKill.run();
        cluster.restart("taskmanager-2");

        JobDetails done = client.awaitTerminal(jobId, Duration.ofSeconds(120));
        assertThat(done.getSummary().getStatus()).as(done.getFailureCause()).isEqualTo(JobStatus.FINISHED);
        List<JobStatusChanged> restarts = CountJob.jobStatusChanges(cluster.kafka(), jobId).stream()
                .filter(e -> e.getStatus() == JobStatus.RESTARTING).toList();
        assertThat(restarts).as("the job restarted after the kill").isNotEmpty();

        List<String> actual = CountJob.committedOutput(cluster.kafka(), out, RECORDS);
        List<String> expected = CountJob.expectedCounts(RECORDS);
        CountJob.assertExactly(actual, expected, "exactly the counts 1..n_k of every key");
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
