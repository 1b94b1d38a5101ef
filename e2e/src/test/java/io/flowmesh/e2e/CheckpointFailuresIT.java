package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.ManagedProcess;
import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobStatusChanged;
import io.flowmesh.proto.JobSummary;
import io.flowmesh.proto.ListJobsRequest;
import io.flowmesh.proto.SavepointStatus;
import io.flowmesh.proto.SavepointStatusRequest;
import io.flowmesh.proto.SubmitJobRequest;
import io.flowmesh.proto.TriggerSavepointRequest;
import io.flowmesh.proto.TriggerSavepointResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The failure scenarios of checkpointing on one real local cluster (Kafka, S3 and every service a
 * process), each with the Kafka-to-Kafka count ({@code ExactlyOnceCountExample}, throttled so that a
 * run lasts several seconds) and its own topics, each checking the committed ({@code read_committed})
 * output record by record against values computed from the input alone:
 * <ul>
 *   <li>stop with a savepoint, resume at parallelism 3, stop again, resume at parallelism 1;</li>
 *   <li>resume a savepoint with its stateful operator removed: refused without, run with
 *       allow-non-restored-state;</li>
 *   <li>the checkpoint coordinator killed mid-run (and a TaskManager while it is down);</li>
 *   <li>S3 killed for a few seconds with tolerable failed checkpoints: the job is never restarted.</li>
 * </ul>
 * The tests are independent; after each one, whatever process a test killed and did not start
 * again is started, and jobs left running are cancelled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointFailuresIT {
    private TestCluster cluster;
    private DispatcherClient client;
    private Artifact artifact;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start("checkpoint-failures-it");
        client = new DispatcherClient(cluster.dispatcher());
        Path examplesJar = cluster.home.resolve("examples/target/flowmesh-examples.jar");
        assertThat(examplesJar).exists();
        artifact = client.upload(examplesJar);
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

    /** Leaves the cluster whole for the next test: dead processes started again, running jobs cancelled. */
    @AfterEach
    void heal() throws Exception {
        for (ManagedProcess dead : LocalCluster.status(cluster.runDir).orElseThrow().deadProcesses()) {
            cluster.restart(dead.role());
        }
        for (JobSummary job : client.stub().listJobs(ListJobsRequest.newBuilder().setIncludeTerminal(false).build()).getJobsList()) {
            try {
                client.stub().cancelJob(JobIdRequest.newBuilder().setJobId(job.getJobId()).build());
                client.awaitTerminal(job.getJobId(), Duration.ofSeconds(30));
            } catch (StatusRuntimeException e) {
                // it ended meanwhile
            }
        }
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<String> args(String in, String out, int recordsPerSecond, String... more) {
        List<String> args = new ArrayList<>(List.of("--in", in, "--out", out, "--checkpoint-ms", "500",
                "--records-per-second", Integer.toString(recordsPerSecond)));
        args.addAll(List.of(more));
        return args;
    }

    private static SubmitJobRequest.Builder submission(int parallelism, List<String> args) {
        return SubmitJobRequest.newBuilder().setArtifactUri("").setEntryClass(CountJob.EXAMPLE_CLASS).setParallelism(parallelism)
                .addAllArgs(args);
    }

    private String submit(SubmitJobRequest.Builder request) throws InterruptedException {
        String jobId = client.stub().submitJob(request.setArtifactUri(artifact.getUri()).build()).getJobId();
        client.awaitStatus(jobId, JobStatus.RUNNING, Duration.ofSeconds(60));
        return jobId;
    }

    /**
     * {@code flowmesh stop} over gRPC: a SAVEPOINT_STOP, polled until it completed; then the job
     * must finish by itself. Returns the savepoint's location.
     */
    private String stopWithSavepoint(String jobId) throws InterruptedException {
        TriggerSavepointResponse triggered = client.stub().stopJob(TriggerSavepointRequest.newBuilder().setJobId(jobId)
                .setType(CheckpointType.SAVEPOINT_STOP).build());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        SavepointStatus status;
        while (true) {
            status = client.stub().getSavepointStatus(SavepointStatusRequest.newBuilder().setJobId(jobId)
                    .setCheckpointId(triggered.getCheckpointId()).build());
            if (status.getStatus() != CheckpointStatus.CHECKPOINT_IN_PROGRESS) {
                break;
            }
            assertThat(System.nanoTime()).as("savepoint " + triggered + " of job " + jobId + " still in progress").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(status.getStatus()).as(status.getFailureCause()).isEqualTo(CheckpointStatus.CHECKPOINT_COMPLETED);
        assertThat(status.getLocation()).isEqualTo(triggered.getLocation());
        assertFinished(jobId);
        return status.getLocation();
    }

    private void assertFinished(String jobId) throws InterruptedException {
        JobDetails done = client.awaitTerminal(jobId, Duration.ofSeconds(90));
        assertThat(done.getSummary().getStatus()).as(done.getFailureCause()).isEqualTo(JobStatus.FINISHED);
    }

    /** Flink's and the JobGraph builder's operator id of a uid: the first 16 bytes of SHA-256("uid:" + uid), hex. */
    private static String operatorId(String uid) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(("uid:" + uid).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    /**
     * Stop → resume at 3 → stop → resume at 1: each stop leaves a prefix 1..c_k of every key's
     * counts committed, and the three runs together wrote the uninterrupted run's output exactly.
     */
    @Test
    void stopWithSavepointAndResumeAtOtherParallelisms() throws Exception {
        int records = 30_000;
        String in = "rescale-in-" + suffix();
        String out = "rescale-out-" + suffix();
        CountJob.prepare(cluster.kafka(), records, in, out);

        // 2 × 1,500 records/s: ~10 s uninterrupted; stopped after its first checkpoint
        String first = submit(submission(2, args(in, out, 1500)));
        CountJob.awaitCompletedCheckpoint(cluster.kafka(), first, 0, Duration.ofSeconds(30));
        String savepoint1 = stopWithSavepoint(first);
        int afterFirst = assertStoppedEarly(out, records);

        // 3 × 600 records/s: slow enough that no source subtask (one of them reads a single partition) ends before the
        // stop; a savepoint needs every subtask RUNNING
        String second = submit(submission(3, args(in, out, 600)).setSavepointPath(savepoint1));
        CountJob.awaitCompletedCheckpoint(cluster.kafka(), second, 0, Duration.ofSeconds(30));
        String savepoint2 = stopWithSavepoint(second);
        int afterSecond = assertStoppedEarly(out, records);
        assertThat(afterSecond).as("the run at parallelism 3 went on where the first stopped").isGreaterThan(afterFirst);

        String third = submit(submission(1, args(in, out, 5000)).setSavepointPath(savepoint2));
        assertFinished(third);
        CountJob.assertExactly(CountJob.committedOutput(cluster.kafka(), out, records), CountJob.expectedCounts(records),
                "the counts 1..n_k of every key over the runs at parallelism 2, 3 and 1");
    }

    /** Checks that the committed counts so far are 1..c_k per key and fewer than all; returns how many. */
    private int assertStoppedEarly(String out, int records) {
        List<String> committed = CountJob.committedOutput(cluster.kafka(), out, records);
        CountJob.prefixCounts(committed, records);
        assertThat(committed.size()).as("records committed when the job was stopped").isBetween(1, records - 1);
        return committed.size();
    }

    /**
     * A savepoint of the count resumed by the same job with the count replaced by a stateless map:
     * refused naming the operator and {@code -n}; with allow-non-restored-state, the map gets every
     * record after the savepoint, exactly once.
     */
    @Test
    void resumeWithTheStatefulOperatorRemoved() throws Exception {
        int records = 20_000;
        String in = "removed-in-" + suffix();
        String countOut = "removed-count-" + suffix();
        String echoOut = "removed-echo-" + suffix();
        CountJob.prepare(cluster.kafka(), records, in, countOut, echoOut);

        String counting = submit(submission(2, args(in, countOut, 1500)));
        CountJob.awaitCompletedCheckpoint(cluster.kafka(), counting, 0, Duration.ofSeconds(30));
        String savepoint = stopWithSavepoint(counting);
        Map<String, Integer> counted = CountJob.prefixCounts(CountJob.committedOutput(cluster.kafka(), countOut, records), records);

        SubmitJobRequest.Builder echo = submission(2, args(in, echoOut, 5000, "--stateless")).setSavepointPath(savepoint);
        assertThatThrownBy(() -> client.stub().submitJob(echo.setArtifactUri(artifact.getUri()).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    try {
                        assertThat(e.getStatus().getDescription()).contains("savepoint " + savepoint + " holds state of operator "
                                + operatorId("running-count") + " (uid 'running-count', 'Running count') that the job does not have;"
                                + " remove it or allow non-restored state"
                                + " (-n / --allowNonRestoredState)");
                    } catch (Exception digest) {
                        throw new AssertionError(digest);
                    }
                });

        String echoing = submit(echo.setAllowNonRestoredState(true));
        assertFinished(echoing);
        List<String> expectedEcho = new ArrayList<>();
        CountJob.inputByKey(records).forEach((k, values) -> values.subList(counted.get(k), values.size())
                .forEach(i -> expectedEcho.add(k + "=" + i)));
        expectedEcho.sort(null);
        assertThat(expectedEcho).as("records left after the savepoint").isNotEmpty().hasSizeLessThan(records);
        CountJob.assertExactly(CountJob.committedOutput(cluster.kafka(), echoOut, records), expectedEcho,
                "every record after the savepoint, echoed once");
    }

    /**
     * The coordinator killed after a completed checkpoint: the job keeps running; a TaskManager
     * killed while the coordinator is down restarts the job from its latest checkpoint; the
     * coordinator started again continues the ids (never one twice) and completes checkpoints.
     */
    @Test
    void theCoordinatorKilledMidRun() throws Exception {
        int records = 40_000;
        String in = "coordinator-in-" + suffix();
        String out = "coordinator-out-" + suffix();
        CountJob.prepare(cluster.kafka(), records, in, out);

        // 2 × 1,000 records/s: ~20 s uninterrupted — long enough that, after restarting a TaskManager
        // and the coordinator (~4 s each on a loaded machine), checkpoints still complete before the end
        String jobId = submit(submission(2, args(in, out, 1000)));
        CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0, Duration.ofSeconds(30));
        cluster.kill9("coordinator");
        long highestBefore = CountJob.checkpointEvents(cluster.kafka(), jobId).stream()
                .mapToLong(CheckpointEvent::getCheckpointId).max().orElseThrow();
        assertThat(client.stub().getJob(JobIdRequest.newBuilder().setJobId(jobId).build()).getSummary().getStatus())
                .as("the job without a coordinator").isEqualTo(JobStatus.RUNNING);

        cluster.kill9("taskmanager-2");
        cluster.restart("taskmanager-2");
        cluster.restart("coordinator");

        CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, highestBefore, Duration.ofSeconds(60));
        assertFinished(jobId);
        List<Long> triggered = CountJob.checkpointEvents(cluster.kafka(), jobId).stream().filter(CheckpointEvent::hasTrigger)
                .map(CheckpointEvent::getCheckpointId).toList();
        assertThat(triggered).as("checkpoint ids triggered, in order").isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
        assertThat(CountJob.jobStatusChanges(cluster.kafka(), jobId)).extracting(JobStatusChanged::getStatus)
                .as("the TaskManager's loss restarted the job").contains(JobStatus.RESTARTING);
        CountJob.assertExactly(CountJob.committedOutput(cluster.kafka(), out, records), CountJob.expectedCounts(records),
                "the counts 1..n_k of every key");
    }

    /**
     * S3 killed for a few seconds with checkpoints every 2 s: the few checkpoints triggered meanwhile
     * fail (aborts), within the tolerance, so the job keeps running in its first attempt; once S3 is
     * back, checkpoints complete again. (Fewer failed checkpoints in a row than the Kafka sink has
     * transactional ids at its start: see {@link #s3UnreachableForLongerThanTheSinksTransactionalIds}.)
     */
    @Test
    void s3UnreachableForAWhile() throws Exception {
        s3Outage(60_000, 2000, "2000");
    }

    /**
     * The same with checkpoints every 300 ms, so that more checkpoints fail in a row than the Kafka
     * sink has transactional ids at its start (pool of 5: 4 pending and the current one): the sink
     * adds ids, and the first checkpoint that completes after the outage commits every pending
     * transaction.
     */
    @Test
    void s3UnreachableForLongerThanTheSinksTransactionalIds() throws Exception {
        s3Outage(48_000, 2000, "300");
    }

    private void s3Outage(int records, int recordsPerSecond, String checkpointMillis) throws Exception {
        String in = "s3-in-" + suffix();
        String out = "s3-out-" + suffix();
        CountJob.prepare(cluster.kafka(), records, in, out);

        List<String> args = args(in, out, recordsPerSecond);
        args.set(args.indexOf("--checkpoint-ms") + 1, checkpointMillis);
        String jobId = submit(submission(2, args)
                .putConfiguration("execution.checkpointing.tolerable-failed-checkpoints", "100")
                .putConfiguration("execution.checkpointing.timeout", "2s"));
        long completedBefore = CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0, Duration.ofSeconds(30)).getCheckpointId();
        cluster.kill9("s3");
        long outageStart = System.nanoTime();
        CheckpointEvent aborted = CountJob.awaitCheckpointEvent(cluster.kafka(), jobId, Duration.ofSeconds(20),
                "an aborted checkpoint while S3 is down", e -> e.hasAbort() && e.getCheckpointId() > completedBefore);
        Thread.sleep(Math.max(0, 3000 - (System.nanoTime() - outageStart) / 1_000_000));
        cluster.restart("s3");

        CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, aborted.getCheckpointId(), Duration.ofSeconds(30));
        assertFinished(jobId);
        assertThat(CountJob.jobStatusChanges(cluster.kafka(), jobId)).as("the job's status changes: never restarted")
                .allSatisfy(c -> assertThat(c.getAttempt()).isZero())
                .extracting(JobStatusChanged::getStatus).doesNotContain(JobStatus.FAILING, JobStatus.RESTARTING);
        CountJob.assertExactly(CountJob.committedOutput(cluster.kafka(), out, records), CountJob.expectedCounts(records),
                "the counts 1..n_k of every key");
    }
}
