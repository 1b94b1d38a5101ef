package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.ListJobsRequest;
import io.flowmesh.proto.SubmitJobRequest;
import io.flowmesh.proto.SubmitJobResponse;
import io.flowmesh.proto.SubtaskDetails;
import io.flowmesh.proto.VertexDetails;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The walking skeleton end to end: a real local cluster (Kafka, S3 and every service as separate
 * processes), the example job submitted over gRPC, its Kafka output checked record by record against
 * values computed here, its lifecycle checked on the topic, bad input refused with the right status
 * while the cluster keeps working, the CLI's verbs and exit codes, and no process left behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {
    private static final String EXAMPLE_CLASS = "io.flowmesh.examples.KeyedCountExample";
    private static final int RECORDS = 30_000;

    private TestCluster cluster;
    private DispatcherClient client;
    private Path examplesJar;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start("local-cluster-it");
        client = new DispatcherClient(cluster.dispatcher());
        examplesJar = cluster.home.resolve("examples/target/flowmesh-examples.jar");
        assertThat(examplesJar).exists();
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

    /** What the example must write for {@code n} records: per key k, the counts 1..n_k; computed by a plain loop. */
    private static List<String> expectedCounts(long n) {
        Map<Long, Long> perKey = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
            long key = (i * 31 + 7) % 1000;
            long value = (i % 1000) * 2;
            if (value % 3 != 0) {
                perKey.merge(key, 1L, Long::sum);
            }
        }
        List<String> out = new ArrayList<>();
        perKey.forEach((k, count) -> {
            for (long c = 1; c <= count; c++) {
                out.add(k + "=" + c);
            }
        });
        out.sort(null);
        return out;
    }

    @Test
    @Order(1)
    void exampleJobRunsAcrossTaskManagersAndWritesExactCounts() throws Exception {
        String topic = "it-counts-" + UUID.randomUUID().toString().substring(0, 8);
        Artifact artifact = client.upload(examplesJar);
        assertThat(artifact.getUri()).isEqualTo("s3://flowmesh/artifacts/" + artifact.getSha256() + ".jar");

        SubmitJobResponse submitted = client.submit(artifact.getUri(), EXAMPLE_CLASS, 2,
                List.of("--records", Integer.toString(RECORDS), "--topic", topic));
        String jobId = submitted.getJobId();
        assertThat(jobId).matches("[0-9a-f]{32}");
        assertThat(submitted.getJobName()).isEqualTo("Keyed count example");
        assertThat(submitted.getProgramOutput()).contains("output: Kafka topic '" + topic + "'");

        JobDetails done = client.awaitTerminal(jobId, Duration.ofSeconds(90));
        assertThat(done.getSummary().getStatus()).as(done.getFailureCause()).isEqualTo(JobStatus.FINISHED);

        // two vertices (source chain, keyed chain) of parallelism 2, spread over both TaskManagers:
        // each source subtask feeds both keyed subtasks, so the keyed exchange crosses processes
        assertThat(done.getVerticesList()).hasSize(2);
        for (VertexDetails v : done.getVerticesList()) {
            assertThat(v.getParallelism()).isEqualTo(2);
            assertThat(v.getSubtasksList()).extracting(SubtaskDetails::getState).containsOnly(ExecutionState.EXECUTION_FINISHED);
            assertThat(v.getSubtasksList()).extracting(SubtaskDetails::getTaskmanagerId).doesNotHaveDuplicates();
        }
        assertThat(done.getVertices(1).getName()).startsWith("Running count");

        // the output, record by record
        List<String> expected = expectedCounts(RECORDS);
        List<String> actual = new ArrayList<>(Topics.readAll(cluster.kafka(), topic, expected.size() + 1, Duration.ofSeconds(5),
                r -> Topics.text(r.key()) + "=" + Topics.text(r.value())));
        actual.sort(null);
        assertThat(actual).hasSize(expected.size());
        assertThat(actual).isEqualTo(expected);

        // listed among all jobs, not among running ones
        assertThat(client.stub().listJobs(ListJobsRequest.newBuilder().setIncludeTerminal(true).build()).getJobsList())
                .anyMatch(j -> j.getJobId().equals(jobId) && j.getStatus() == JobStatus.FINISHED);
        assertThat(client.stub().listJobs(ListJobsRequest.newBuilder().build()).getJobsList()).noneMatch(j -> j.getJobId().equals(jobId));

        assertLifecycleInOrder(jobId, done);
    }

    /** The lifecycle topic holds the job's and every subtask's transitions, in order. */
    private void assertLifecycleInOrder(String jobId, JobDetails job) {
        List<LifecycleEvent> events = Topics.readAll(cluster.kafka(), "flowmesh.lifecycle", Integer.MAX_VALUE, Duration.ofSeconds(3), r -> {
            try {
                return LifecycleEvent.parseFrom(r.value());
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }).stream().filter(e -> e.getJobId().equals(jobId)).toList();

        assertThat(events.get(0).hasJobSubmitted()).as("first event").isTrue();
        assertThat(events.get(0).getJobSubmitted().getVerticesCount()).isEqualTo(2);
        List<JobStatus> jobTransitions = events.stream().filter(LifecycleEvent::hasJobStatusChanged)
                .map(e -> e.getJobStatusChanged().getStatus()).toList();
        assertThat(jobTransitions).containsExactly(JobStatus.CREATED, JobStatus.RUNNING, JobStatus.FINISHED);
        assertThat(events.get(events.size() - 1).getJobStatusChanged().getStatus()).as("last event").isEqualTo(JobStatus.FINISHED);

        Map<String, List<ExecutionState>> perSubtask = new LinkedHashMap<>();
        for (LifecycleEvent e : events) {
            if (e.hasTaskStatusChanged()) {
                var t = e.getTaskStatusChanged();
                perSubtask.computeIfAbsent(t.getVertexId() + "#" + t.getSubtaskIndex(), k -> new ArrayList<>()).add(t.getState());
            }
        }
        assertThat(perSubtask).hasSize(4);
        for (VertexDetails v : job.getVerticesList()) {
            for (int i = 0; i < v.getParallelism(); i++) {
                assertThat(perSubtask.get(v.getVertexId() + "#" + i)).as(v.getName() + " subtask " + i).containsExactly(
                        ExecutionState.SCHEDULED, ExecutionState.DEPLOYING, ExecutionState.EXECUTION_RUNNING, ExecutionState.EXECUTION_FINISHED);
            }
        }
        // the job turns RUNNING before any subtask is scheduled, and FINISHED after every subtask finished
        int running = indexOfJobStatus(events, JobStatus.RUNNING);
        int finished = indexOfJobStatus(events, JobStatus.FINISHED);
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).hasTaskStatusChanged()) {
                assertThat(i).isBetween(running + 1, finished - 1);
            }
        }
    }

    private static int indexOfJobStatus(List<LifecycleEvent> events, JobStatus status) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).hasJobStatusChanged() && events.get(i).getJobStatusChanged().getStatus() == status) {
                return i;
            }
        }
        throw new AssertionError("no " + status + " event");
    }

    @Test
    @Order(2)
    void aFileThatIsNotAJarIsRefused() {
        assertStatus(() -> client.upload("just some text\n".getBytes(StandardCharsets.UTF_8), "notes.txt"),
                Status.Code.INVALID_ARGUMENT, "notes.txt is not a jar file");
    }

    @Test
    @Order(2)
    void aMissingEntryClassIsRefused() throws Exception {
        Artifact artifact = client.upload(examplesJar);
        assertStatus(() -> client.submit(artifact.getUri(), "com.example.DoesNotExist", 1, List.of()),
                Status.Code.NOT_FOUND, "entry class com.example.DoesNotExist not found in " + artifact.getSha256() + ".jar");
    }

    @Test
    @Order(2)
    void aMainThatThrowsIsRefusedWithItsCause() throws Exception {
        Artifact artifact = client.upload(examplesJar);
        assertStatus(() -> client.submit(artifact.getUri(), EXAMPLE_CLASS, 1, List.of("--records", "many")),
                Status.Code.FAILED_PRECONDITION, "the main method of " + EXAMPLE_CLASS + " threw java.lang.NumberFormatException");
    }

    @Test
    @Order(2)
    void aParallelismAboveTheMaxParallelismIsRefusedNamingTheOperator() throws Exception {
        Artifact artifact = client.upload(examplesJar);
        assertStatus(() -> client.submit(artifact.getUri(), EXAMPLE_CLASS, 200, List.of()),
                Status.Code.INVALID_ARGUMENT, "operator 'Source: Sequence Source': parallelism 200 is larger than its max parallelism 128");
    }

    @Test
    @Order(2)
    void aMalformedConfigurationValueIsRefusedAtSubmissionNamingTheKey() throws Exception {
        Artifact artifact = client.upload(examplesJar);
        SubmitJobRequest request = SubmitJobRequest.newBuilder().setArtifactUri(artifact.getUri()).setEntryClass(EXAMPLE_CLASS)
                .setParallelism(1).putConfiguration("state.storage.fs.memory-threshold", "lots").build();
        assertStatus(() -> client.stub().submitJob(request), Status.Code.INVALID_ARGUMENT,
                "configuration key state.storage.fs.memory-threshold: 'lots' is not a memory size (e.g. 20 kb)");
    }

    @Test
    @Order(2)
    void anArtifactThatWasNeverUploadedIsNotFound() {
        assertStatus(() -> client.submit("s3://flowmesh/artifacts/" + "0".repeat(64) + ".jar", EXAMPLE_CLASS, 1, List.of()),
                Status.Code.NOT_FOUND, "no artifact at s3://flowmesh/artifacts/");
    }

    @Test
    @Order(2)
    void anUnknownJobIdIsNotFound() {
        String unknown = "0123456789abcdef0123456789abcdef";
        assertStatus(() -> client.stub().getJob(JobIdRequest.newBuilder().setJobId(unknown).build()), Status.Code.NOT_FOUND,
                "no job with id '" + unknown + "'");
        assertStatus(() -> client.stub().cancelJob(JobIdRequest.newBuilder().setJobId(unknown).build()), Status.Code.NOT_FOUND,
                "no job with id '" + unknown + "'");
    }

    @Test
    @Order(2)
    void anUnreachableDispatcherIsUnavailable() throws Exception {
        int closedPort = TestCluster.freePortBlock(1);
        try (DispatcherClient nowhere = new DispatcherClient("127.0.0.1:" + closedPort)) {
            assertStatus(() -> nowhere.stub().listJobs(ListJobsRequest.getDefaultInstance()), Status.Code.UNAVAILABLE, "");
        }
    }

    @Test
    @Order(3)
    void theClusterSurvivedTheBadInputAndCancelsARunningJob() throws Exception {
        for (var p : cluster.processes()) {
            assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive)).as(p.role() + " alive").contains(true);
        }
        Artifact artifact = client.upload(examplesJar);
        String jobId = client.submit(artifact.getUri(), EXAMPLE_CLASS, 2,
                List.of("--records", "5000000000", "--topic", "it-cancel-" + UUID.randomUUID().toString().substring(0, 8))).getJobId();
        client.awaitStatus(jobId, JobStatus.RUNNING, Duration.ofSeconds(30));
        assertThat(client.stub().cancelJob(JobIdRequest.newBuilder().setJobId(jobId).build()).getStatus())
                .isIn(JobStatus.CANCELLING, JobStatus.CANCELED);
        JobDetails cancelled = client.awaitTerminal(jobId, Duration.ofSeconds(30));
        assertThat(cancelled.getSummary().getStatus()).isEqualTo(JobStatus.CANCELED);
        // every slot is free again: 2 TaskManagers x 2 slots
        var overview = client.stub().getClusterOverview(io.flowmesh.proto.Empty.getDefaultInstance());
        assertThat(overview.getSlotsTotal()).isEqualTo(4);
        assertThat(overview.getSlotsAvailable()).isEqualTo(4);
        assertThat(overview.getTaskmanagersList()).hasSize(2);
        assertStatus(() -> client.stub().cancelJob(JobIdRequest.newBuilder().setJobId(jobId).build()), Status.Code.FAILED_PRECONDITION,
                "is already CANCELED");
    }

    @Test
    @Order(3)
    void aFunctionThatThrowsFailsTheJobWithItsCauseVisibleInInfoAndOnTheTopic() throws Exception {
        Artifact artifact = client.upload(examplesJar);
        String jobId = client.submit(artifact.getUri(), EXAMPLE_CLASS, 2,
                List.of("--records", "100000", "--fail-at", "4242", "--topic", "it-fail-" + UUID.randomUUID().toString().substring(0, 8))).getJobId();
        JobDetails failed = client.awaitTerminal(jobId, Duration.ofSeconds(60));
        assertThat(failed.getSummary().getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.getFailureCause())
                .contains("operator 'Generate (key, value)' failed")
                .contains("deliberate failure at record 4242 (--fail-at)");
        // the failed subtask names the cause; the others were cancelled
        assertThat(failed.getVerticesList()).flatExtracting(VertexDetails::getSubtasksList).extracting(SubtaskDetails::getState)
                .contains(ExecutionState.EXECUTION_FAILED).doesNotContain(ExecutionState.EXECUTION_RUNNING);
        Cli info = cli("info", jobId);
        assertThat(info.exitCode).isZero();
        assertThat(info.output).contains("FAILED").contains("deliberate failure at record 4242");
        Cli attached = cli("run", examplesJar.toString(), "--records", "1000", "--fail-at", "7", "--topic", "it-fail-" + UUID.randomUUID().toString().substring(0, 8));
        assertThat(attached.exitCode).as(attached.output).isEqualTo(1);
        assertThat(attached.output).contains("FAILED").contains("deliberate failure at record 7");
    }

    @Test
    @Order(4)
    void theCliRunsListsAndShowsEventsWithFlinkVerbsAndExitCodes() throws Exception {
        // attached: waits for the end and exits 0 on FINISHED
        Cli run = cli("run", examplesJar.toString(), "--records", "1000", "--topic", "it-cli-" + UUID.randomUUID().toString().substring(0, 8));
        assertThat(run.exitCode).as(run.output).isZero();
        String jobId = run.output.replaceAll("(?s).*Job has been submitted with JobID ([0-9a-f]{32}).*", "$1");
        assertThat(jobId).matches("[0-9a-f]{32}");
        assertThat(run.output).contains("Job " + jobId + " finished with status FINISHED");

        // detached: returns after the submission
        Cli detached = cli("run", "-d", examplesJar.toString(), "--records", "1000", "--topic", "it-cli-" + UUID.randomUUID().toString().substring(0, 8));
        assertThat(detached.exitCode).as(detached.output).isZero();
        assertThat(detached.output).contains("Job has been submitted with JobID").doesNotContain("finished with status");

        Cli list = cli("list", "--all");
        assertThat(list.exitCode).isZero();
        assertThat(list.output).contains(jobId + " : Keyed count example (FINISHED)");

        Cli events = cli("events", jobId);
        assertThat(events.exitCode).isZero();
        assertThat(events.output).contains("submitted Keyed count example").contains("job CREATED->RUNNING").contains("job RUNNING->FINISHED");

        Cli info = cli("info", jobId);
        assertThat(info.exitCode).isZero();
        assertThat(info.output).contains("FINISHED").contains("taskmanager-1").contains("taskmanager-2");

        Cli unknown = cli("info", "ffffffffffffffffffffffffffffffff");
        assertThat(unknown.exitCode).isEqualTo(1);
        assertThat(unknown.output).contains("no job with id 'ffffffffffffffffffffffffffffffff'");

        Path notAJar = Files.writeString(Files.createTempFile("flowmesh-it", ".jar"), "not a zip");
        Cli bad = cli("run", notAJar.toString());
        assertThat(bad.exitCode).isEqualTo(1);
        assertThat(bad.output).contains("is not a jar file");
    }

    private record Cli(int exitCode, String output) {}

    private Cli cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                cluster.home.resolve("cli/target/flowmesh-cli.jar").toString(), "--dispatcher", cluster.dispatcher()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("flowmesh-cli", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("CLI " + List.of(args) + " did not finish within 120 s");
            }
        } finally {
            p.destroyForcibly();
        }
        return new Cli(p.exitValue(), Files.readString(out));
    }

    private static void assertStatus(ThrowingRunnable call, Status.Code code, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(String.valueOf(e.getStatus().getDescription())).isEqualTo(code);
            assertThat(String.valueOf(e.getStatus().getDescription())).contains(messagePart);
        });
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
