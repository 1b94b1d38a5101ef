package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.local.ManagedProcess;
import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.LifecycleEvent;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * JobManager high availability with real processes ({@code local up --ha}: two JobManagers,
 * {@code high-availability.type: s3}, a lease of 3 s on S3): the exactly-once
 * Kafka-to-Kafka count runs; the leading JobManager is killed ({@code kill -9}) or paused
 * ({@code kill -STOP}, resumed after its lease expired); the standby takes the lease with a higher
 * epoch, the TaskManagers follow it, it recovers the job from the HA store and its latest
 * completed checkpoint, and the job finishes with every count exactly once in the
 * {@code read_committed} output. The paused leader, resumed, publishes nothing and touches nothing.
 * The same cluster has two checkpoint coordinators: killing the leading one, the standby takes
 * over, resumes checkpointing above every id used before, and the output stays exactly once.
 * And two dispatchers: a standby refuses control calls (gRPC and REST) naming the leader; killing
 * the leading one mid-job, a submission made during the failover through the failing-over client
 * runs exactly once, the new leader lists the running job, and both jobs' outputs are exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HighAvailabilityIT {
    private static final int RECORDS = 30_000;
    /** Lease settings and source rate; system properties override them to measure failover with other settings. */
    private static final String LEASE = System.getProperty("flowmesh.it.ha.lease-duration", "3 s");
    private static final String RETRY = System.getProperty("flowmesh.it.ha.retry-period", "500 ms");
    private static final String RATE = System.getProperty("flowmesh.it.ha.records-per-second", "1500");

    private TestCluster cluster;
    private DispatcherClient client;
    private Artifact artifact;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start("high-availability-it", Map.of(
                "high-availability.kubernetes.leader-election.lease-duration", LEASE,
                "high-availability.kubernetes.leader-election.renew-deadline", LEASE,
                "high-availability.kubernetes.leader-election.retry-period", RETRY), true);
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

    @Test
    void killedLeaderIsReplacedByTheStandbyAndTheOutputIsExactlyOnce() throws Exception {
        Lease before = awaitLease(l -> true);
        String in = "ha-in-" + UUID.randomUUID().toString().substring(0, 8);
        String out = in.replace("ha-in-", "ha-out-");
        CountJob.prepare(cluster.kafka(), RECORDS, in, out);
        String jobId = submit(in, out);
        CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0, Duration.ofSeconds(30));

        String leaderRole = role(before.address());
        cluster.kill9(leaderRole);
        long killedAt = System.currentTimeMillis();

        Lease after = awaitLease(l -> l.epoch() > before.epoch());
        assertThat(after.address()).isNotEqualTo(before.address());
        long runningAt = CountJob.awaitAllSubtasksRunningUnder(cluster.kafka(), jobId, "jobmanager@" + after.address());
        System.out.printf("HA failover: kill -9 of the leading JobManager to every subtask RUNNING again: %.1f s (lease %s)%n",
                (runningAt - killedAt) / 1000.0, LEASE);

        finishesExactlyOnce(jobId, out);
        assertThat(haFile("job-results/" + jobId)).as("the job result store").contains("FINISHED");
        cluster.restart(leaderRole); // back as a standby for the next test
    }

    @Test
    void pausedLeaderDoesNothingAfterItResumes() throws Exception {
        Lease before = awaitLease(l -> true);
        String in = "ha-in-" + UUID.randomUUID().toString().substring(0, 8);
        String out = in.replace("ha-in-", "ha-out-");
        CountJob.prepare(cluster.kafka(), RECORDS, in, out);
        // ~20 s of input: the job must outlast the pause, the takeover and the redeployment on a loaded machine
        String jobId = submit(in, out, String.valueOf(Integer.parseInt(RATE) / 2));
        CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0, Duration.ofSeconds(30));

        long pid = cluster.pid(role(before.address()));
        signal("STOP", pid);
        try {
            Lease after = awaitLease(l -> l.epoch() > before.epoch());
            CountJob.awaitAllSubtasksRunningUnder(cluster.kafka(), jobId, "jobmanager@" + after.address());
        } finally {
            signal("CONT", pid);
        }
        long resumedAt = System.currentTimeMillis();
        Path oldLog = cluster.runDir.resolve("logs/" + role(before.address()) + ".log");
        TestCluster.awaitLog(oldLog, "no longer leading");

        finishesExactlyOnce(jobId, out);
        List<LifecycleEvent> fromOldLeader = CountJob.lifecycleEvents(cluster.kafka(), jobId).stream()
                .filter(e -> e.getReporter().equals("jobmanager@" + before.address()) && e.getTimestampMs() >= resumedAt).toList();
        assertThat(fromOldLeader).as("events the resumed, deposed leader published").isEmpty();
        assertThat(CountJob.lifecycleEvents(cluster.kafka(), jobId).stream().filter(e -> e.getTimestampMs() >= resumedAt && e.hasJobStatusChanged())
                .map(e -> e.getJobStatusChanged().getStatus()).toList()).as("the job's statuses after the old leader resumed")
                .containsExactly(JobStatus.FINISHED);
    }

    @Test
    void killedCoordinatorIsReplacedAndCheckpointIdsAreNeverReused() throws Exception {
        Lease before = awaitLease("coordinator", l -> true);
        String in = "ha-in-" + UUID.randomUUID().toString().substring(0, 8);
        String out = in.replace("ha-in-", "ha-out-");
        CountJob.prepare(cluster.kafka(), RECORDS, in, out);
        // slower input (~20 s): the job must outlast the takeover (lease 3 s) and checkpoint after it
        String jobId = submit(in, out, "750");
        long completedBefore = CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0, Duration.ofSeconds(30)).getCheckpointId();

        String role = role(before.address());
        cluster.kill9(role);
        // the old leader is gone: the highest id it triggered is on the topic now
        long triggeredBefore = CountJob.checkpointEvents(cluster.kafka(), jobId).stream().filter(e -> e.hasTrigger())
                .mapToLong(e -> e.getCheckpointId()).max().orElseThrow();
        Lease after = awaitLease("coordinator", l -> l.epoch() > before.epoch());
        assertThat(after.address()).isNotEqualTo(before.address());
        assertThat(CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, triggeredBefore, Duration.ofSeconds(30)).getCheckpointId())
                .as("the new coordinator checkpoints, above every id the old one used").isGreaterThan(Math.max(completedBefore, triggeredBefore));

        finishesExactlyOnce(jobId, out);
        List<Long> triggered = CountJob.checkpointEvents(cluster.kafka(), jobId).stream().filter(e -> e.hasTrigger())
                .map(e -> e.getCheckpointId()).toList();
        assertThat(triggered).as("checkpoint ids triggered, in order").doesNotHaveDuplicates().isSorted();
        cluster.restart(role);
    }

    @Test
    void killedDispatcherIsReplacedAndASubmissionDuringTheFailoverRunsOnce() throws Exception {
        Lease before = awaitLease("dispatcher", l -> true);
        String leaderRole = role(before.address());
        String standbyAddress = cluster.processes().stream().filter(p -> p.role().startsWith("dispatcher") && !p.role().equals(leaderRole))
                .findFirst().orElseThrow().address(ManagedProcess.GRPC).orElseThrow();
        boolean killed = false;
        try (DispatcherClient failover = new DispatcherClient(cluster.dispatchers())) {
            String in = "ha-in-" + UUID.randomUUID().toString().substring(0, 8);
            String out = in.replace("ha-in-", "ha-out-");
            String in2 = in + "-during";
            String out2 = out + "-during";
            CountJob.prepare(cluster.kafka(), RECORDS, in, out);
            CountJob.prepare(cluster.kafka(), RECORDS, in2, out2);
            // ~20 s of input: it must still run after the takeover (lease 3 s)
            String jobId = failover.submit(artifact.getUri(), CountJob.EXAMPLE_CLASS, 2, List.of("--in", in, "--out", out, "--checkpoint-ms",
                    "500", "--records-per-second", "750")).getJobId();
            failover.awaitStatus(jobId, JobStatus.RUNNING, Duration.ofSeconds(60));
            CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0, Duration.ofSeconds(30));

            // a standby refuses control calls, naming the leader, and does nothing
            io.grpc.ManagedChannel toStandby = io.grpc.netty.NettyChannelBuilder.forTarget(standbyAddress).usePlaintext().build();
            try {
                io.grpc.StatusRuntimeException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                        () -> io.flowmesh.proto.DispatcherServiceGrpc.newBlockingStub(toStandby).withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
                                .cancelJob(io.flowmesh.proto.JobIdRequest.newBuilder().setJobId(jobId).build()),
                        io.grpc.StatusRuntimeException.class);
                assertThat(refused).as("CancelJob on the standby").isNotNull();
                assertThat(refused.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
                assertThat(refused.getStatus().getDescription()).contains("is a standby").contains(before.address());
                assertThat(io.grpc.Status.trailersFromThrowable(refused).get(DispatcherClient.LEADER)).isEqualTo(before.address());
                // reads are served by the standby from its own registry
                assertThat(io.flowmesh.proto.DispatcherServiceGrpc.newBlockingStub(toStandby).withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
                        .getJob(io.flowmesh.proto.JobIdRequest.newBuilder().setJobId(jobId).build()).getSummary().getStatus()).isEqualTo(JobStatus.RUNNING);
            } finally {
                toStandby.shutdownNow();
            }
            java.net.http.HttpResponse<String> rest = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create("http://" + standbyAddress + "/jobs/" + jobId + "?mode=cancel"))
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(rest.statusCode()).as(rest.body()).isEqualTo(503);
            assertThat(rest.body()).contains("is a standby").contains("http://" + before.address());
            assertThat(rest.headers().firstValue("flowmesh-dispatcher-leader")).contains("http://" + before.address());
            int jobsBefore = failover.withFailover(st -> st.listJobs(io.flowmesh.proto.ListJobsRequest.newBuilder().setIncludeTerminal(true).build()))
                    .getJobsCount();

            cluster.kill9(leaderRole);
            killed = true;
            long killedAt = System.currentTimeMillis();
            Lease atSubmit = awaitLease("dispatcher", l -> true);
            String jobId2 = failover.submit(artifact.getUri(), CountJob.EXAMPLE_CLASS, 2, List.of("--in", in2, "--out", out2, "--checkpoint-ms",
                    "500", "--records-per-second", "1500")).getJobId();
            long acceptedAt = System.currentTimeMillis();
            assertThat(atSubmit.epoch()).as("the submission started before a new dispatcher led").isEqualTo(before.epoch());
            Lease after = awaitLease("dispatcher", l -> l.epoch() > before.epoch());
            assertThat(after.address()).isEqualTo(standbyAddress);
            assertThat(failover.address()).as("the client's dispatcher after the failover").isEqualTo(standbyAddress);
            System.out.printf("dispatcher failover: kill -9 of the leading dispatcher to a submission accepted by the new leader: %.1f s (lease %s)%n",
                    (acceptedAt - killedAt) / 1000.0, LEASE);

            // the new leader lists the running job and the one submitted during the failover, exactly once each
            try (DispatcherClient newLeader = new DispatcherClient(after.address())) {
                List<io.flowmesh.proto.JobSummary> jobs = newLeader.stub().listJobs(io.flowmesh.proto.ListJobsRequest.newBuilder()
                        .setIncludeTerminal(true).build()).getJobsList();
                assertThat(jobs).as("every job the new leader knows").hasSize(jobsBefore + 1);
                assertThat(jobs.stream().filter(j -> j.getJobId().equals(jobId2))).hasSize(1);
                assertThat(newLeader.stub().getJob(io.flowmesh.proto.JobIdRequest.newBuilder().setJobId(jobId).build()).getSummary().getStatus())
                        .as("the job that ran through the failover, on the new leader").isIn(JobStatus.RUNNING, JobStatus.FINISHED);
            }
            // the same submission again (a client that lost the answer retries with the job id it chose): that job, not a second one
            try (DispatcherClient newLeader = new DispatcherClient(after.address())) {
                io.flowmesh.proto.SubmitJobResponse again = newLeader.stub().submitJob(io.flowmesh.proto.SubmitJobRequest.newBuilder()
                        .setArtifactUri(artifact.getUri()).setEntryClass(CountJob.EXAMPLE_CLASS).setParallelism(2)
                        .addAllArgs(List.of("--in", in2, "--out", out2, "--checkpoint-ms", "500", "--records-per-second", "1500"))
                        .setJobId(jobId2).build());
                assertThat(again.getJobId()).isEqualTo(jobId2);
                assertThat(newLeader.stub().listJobs(io.flowmesh.proto.ListJobsRequest.newBuilder().setIncludeTerminal(true).build()).getJobsCount())
                        .as("jobs after the repeated submission").isEqualTo(jobsBefore + 1);
            }
            assertThat(CountJob.lifecycleEvents(cluster.kafka(), jobId2).stream().filter(LifecycleEvent::hasJobSubmitted)).as("JobSubmitted events of the job submitted during the failover")
                    .hasSize(1);

            finishesExactlyOnce(failover, jobId, out);
            finishesExactlyOnce(failover, jobId2, out2);
        } finally {
            if (killed) {
                cluster.restart(leaderRole); // back as a standby
            }
        }
    }

    private String submit(String in, String out) throws Exception {
        // 2 sources at 1,500 records/s each: ~10 s of input (longer than a failover), checkpoints every 500 ms
        return submit(in, out, RATE);
    }

    private String submit(String in, String out, String recordsPerSecond) throws Exception {
        String jobId = client.submit(artifact.getUri(), CountJob.EXAMPLE_CLASS, 2, List.of("--in", in, "--out", out, "--checkpoint-ms", "500",
                "--records-per-second", recordsPerSecond)).getJobId();
        client.awaitStatus(jobId, JobStatus.RUNNING, Duration.ofSeconds(60));
        return jobId;
    }

    private void finishesExactlyOnce(String jobId, String out) throws Exception {
        finishesExactlyOnce(client, jobId, out);
    }

    private void finishesExactlyOnce(DispatcherClient client, String jobId, String out) throws Exception {
        JobDetails done = client.awaitTerminal(jobId, Duration.ofSeconds(90));
        assertThat(done.getSummary().getStatus()).as(done.getFailureCause()).isEqualTo(JobStatus.FINISHED);
        CountJob.assertExactly(CountJob.committedOutput(cluster.kafka(), out, RECORDS), CountJob.expectedCounts(RECORDS),
                "exactly the counts 1..n_k of every key");
    }

    /** The JobManager lease as s3proxy's filesystem backend stores it. */
    private record Lease(String holder, long epoch, String address) {}

    private Optional<String> haFile(String key) throws Exception {
        Path file = cluster.runDir.resolve("s3/data/" + cluster.state.bucket() + "/ha/default/default/" + key);
        return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    }

    private Lease awaitLease(Predicate<Lease> which) throws Exception {
        return awaitLease("jobmanager", which);
    }

    private Lease awaitLease(String component, Predicate<Lease> which) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> text = haFile("leader/" + component + "/lease");
            if (text.isPresent()) {
                Properties p = new Properties();
                p.load(new StringReader(text.get()));
                if (!p.getProperty("holder", "").isEmpty()) {
                    Lease l = new Lease(p.getProperty("holder"), Long.parseLong(p.getProperty("epoch")), p.getProperty("address"));
                    if (which.test(l)) {
                        return l;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + component + " lease as expected within 60 s");
    }

    private String role(String address) {
        return cluster.processes().stream().filter(p -> p.address(ManagedProcess.GRPC).orElse("").equals(address)).findFirst().orElseThrow()
                .role();
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal + " " + pid).isZero();
    }
}
