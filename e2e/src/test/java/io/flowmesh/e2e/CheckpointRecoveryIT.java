package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobStatusChanged;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Exactly-once through a {@code kill -9}: the Kafka-to-Kafka count (W4's shape, throttled so that
 * it runs for several seconds) on a real cluster; once a checkpoint completed, a TaskManager is
 * killed and started again; the job restarts from its latest checkpoint and finishes. A
 * {@code read_committed} consumer then sees, record by record, exactly the counts 1..n_k of every
 * key once — nothing lost, nothing twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointRecoveryIT {
    private static final int RECORDS = 40_000;

    private TestCluster cluster;
    private DispatcherClient client;
    private Path examplesJar;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start("checkpoint-recovery-it");
        client = new DispatcherClient(cluster.dispatcher());
        examplesJar = cluster.home.resolve("examples/target/flowmesh-examples.jar");
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

    @Test
    void aKilledTaskManagerLosesAndDuplicatesNothing() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String in = "eo-in-" + suffix;
        String out = "eo-out-" + suffix;
        CountJob.prepare(cluster.kafka(), RECORDS, in, out);
        Artifact artifact = client.upload(examplesJar);
        // 2 source subtasks at 4,000 records/s each: ~5 s of input; checkpoints every 500 ms
        String jobId = client.submit(artifact.getUri(), CountJob.EXAMPLE_CLASS, 2, List.of("--in", in, "--out", out, "--checkpoint-ms", "500",
                "--records-per-second", "4000")).getJobId();
        client.awaitStatus(jobId, JobStatus.RUNNING, Duration.ofSeconds(60));
        CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0, Duration.ofSeconds(30));

        cluster.kill9("taskmanager-2");
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
}
