package io.flowmesh.jobmanager.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.cluster.checkpoint.CheckpointStorage;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.jobmanager.LocalKafkaAndS3;
import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.FailJobRequest;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.JobManagerServiceGrpc;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobSubmission;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.OperatorState;
import io.flowmesh.proto.OperatorSubtaskState;
import io.flowmesh.proto.RegisterTaskManagerRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The JobManager in process against a real Kafka and S3: SubmitJob's refusals (restart
 * configuration, savepoint path, non-restored state), FailJob, and the restart flow as the
 * lifecycle topic shows it. Restarts are driven by real failures without TaskManager processes:
 * no slots at all (NoResourceAvailableException after the slot request timeout of 1 s), and a
 * registered TaskManager that is not there (every deployment fails with UNAVAILABLE).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKafkaAndS3.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobManagerFailoverIT {
    @TestHTTPResource("/")
    URL jobManagerUrl;

    @Inject
    BlobStore blobStore;

    private ManagedChannel channel;
    private JobManagerServiceGrpc.JobManagerServiceBlockingStub jobManager;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", jobManagerUrl.getPort()).usePlaintext().build();
        jobManager = JobManagerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static String newJobId() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Stores a one-vertex graph (operators op-src, op-map) and returns its URI. */
    private String storeGraph(String jobId, Map<String, String> configuration) {
        JobGraph graph = JobGraph.newBuilder().setJobId(jobId).setJobName("failover-it")
                .addVertices(JobVertex.newBuilder().setVertexId("v-src").setName("Source: numbers -> Map").setParallelism(1).setMaxParallelism(128)
                        .addOperatorIds("op-src").addOperatorIds("op-map").setIsSource(true))
                .putAllConfiguration(configuration).setArtifactUri(blobStore.uri("artifacts/none.jar")).build();
        String key = "ha/default/jobgraphs/" + jobId + ".pb";
        blobStore.put(key, graph.toByteArray());
        return blobStore.uri(key);
    }

    private void submit(String jobId, Map<String, String> configuration, String savepoint, boolean allowNonRestored) {
        jobManager.submitJob(JobSubmission.newBuilder().setJobId(jobId).setJobGraphUri(storeGraph(jobId, configuration))
                .setSavepointPath(savepoint).setAllowNonRestoredState(allowNonRestored).build());
    }

    private static StatusRuntimeException refusal(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call was not refused");
    }

    private String storeSavepoint(String name, OperatorState... operators) {
        String location = blobStore.uri("savepoints/" + name);
        CheckpointMetadata.Builder m = CheckpointMetadata.newBuilder().setJobId("0123").setCheckpointId(9).setType(CheckpointType.SAVEPOINT);
        for (OperatorState o : operators) {
            m.addOperators(o);
        }
        new CheckpointStorage(blobStore).writeMetadata(location, m.build());
        return location;
    }

    private static OperatorState operator(String id, int subtasks) {
        OperatorState.Builder b = OperatorState.newBuilder().setOperatorId(id).setParallelism(1).setMaxParallelism(128);
        for (int i = 0; i < subtasks; i++) {
            b.addSubtasks(OperatorSubtaskState.newBuilder().setOperatorId(id).setSubtaskIndex(i).setUri("s3://x/" + id).setKeyGroupStart(-1).setKeyGroupEnd(-1));
        }
        return b.build();
    }

    /** The JobManager's events of the job, in order, once {@code done} holds for the list (or the timeout passed). */
    private List<LifecycleEvent> events(String jobId, Predicate<List<LifecycleEvent>> done, Duration timeout) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafkaAndS3.state.kafkaBootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<LifecycleEvent> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("flowmesh.lifecycle").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !done.test(seen)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        LifecycleEvent e = LifecycleEvent.parseFrom(r.value());
                        if (e.getJobId().equals(jobId) && e.getReporter().equals("jobmanager")) {
                            seen.add(e);
                        }
                    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                        throw new AssertionError(ex);
                    }
                }
            }
        }
        return seen;
    }

    private static List<String> jobStatuses(List<LifecycleEvent> events) {
        return events.stream().filter(LifecycleEvent::hasJobStatusChanged)
                .map(e -> e.getJobStatusChanged().getStatus() + "/" + e.getJobStatusChanged().getAttempt()).toList();
    }

    private static Predicate<List<LifecycleEvent>> reached(JobStatus status) {
        return l -> l.stream().anyMatch(e -> e.hasJobStatusChanged() && e.getJobStatusChanged().getStatus() == status);
    }

    @Test
    @Order(1)
    void malformedRestartConfigurationRefusesTheJob() {
        String jobId = newJobId();
        StatusRuntimeException e = refusal(() -> submit(jobId, Map.of("restart-strategy.type", "fixed-delay",
                "restart-strategy.fixed-delay.delay", "soon"), "", false));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).isEqualTo("job " + jobId + ": configuration key restart-strategy.fixed-delay.delay: 'soon' is not a "
                + "duration (e.g. 500 ms, 10 s, 1 min)");
    }

    @Test
    @Order(2)
    void savepointPathsThatCannotBeReadRefuseTheJob() {
        String missing = blobStore.uri("savepoints/savepoint-nothing-1");
        StatusRuntimeException notFound = refusal(() -> submit(newJobId(), Map.of(), missing, false));
        assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(notFound.getStatus().getDescription()).contains(missing);

        StatusRuntimeException otherBucket = refusal(() -> submit(newJobId(), Map.of(), "s3://elsewhere/savepoints/sp-1", false));
        assertThat(otherBucket.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(otherBucket.getStatus().getDescription()).contains("s3://elsewhere/savepoints/sp-1");

        blobStore.put("savepoints/garbage/_metadata", new byte[] {(byte) 0xff, 0x01, 0x02});
        StatusRuntimeException corrupt = refusal(() -> submit(newJobId(), Map.of(), blobStore.uri("savepoints/garbage"), false));
        assertThat(corrupt.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(corrupt.getStatus().getDescription()).contains(blobStore.uri("savepoints/garbage/_metadata"));
    }

    @Test
    @Order(3)
    void stateOfARemovedOperatorNeedsAllowNonRestoredState() {
        String savepoint = storeSavepoint("savepoint-012345-9", operator("op-src", 1), operator("op-removed", 1), operator("op-stateless", 0));
        StatusRuntimeException e = refusal(() -> submit(newJobId(), Map.of(), savepoint, false));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).isEqualTo("savepoint " + savepoint + " holds state of operator op-removed that the job does not "
                + "have; remove it or allow non-restored state (-n / --allowNonRestoredState)");

        String jobId = newJobId();
        submit(jobId, Map.of(), savepoint + "/_metadata", true); // accepted; no slots, so it fails after the slot request timeout
        List<LifecycleEvent> events = events(jobId, reached(JobStatus.FAILED), Duration.ofSeconds(20));
        assertThat(jobStatuses(events)).containsExactly("FAILING/0", "FAILED/0");
    }

    @Test
    @Order(4)
    void failJobForAnUnknownJobIsNotFound() {
        StatusRuntimeException e = refusal(() -> jobManager.failJob(FailJobRequest.newBuilder().setJobId("ffffffffffffffffffffffffffffffff")
                .setAttempt(0).setCause("x").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    @Order(5)
    void aRestartThatGetsNoSlotsIsAFailureTheStrategyCounts() {
        String jobId = newJobId();
        submit(jobId, Map.of("restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.attempts", "1",
                "restart-strategy.fixed-delay.delay", "300 ms"), "", false);
        List<LifecycleEvent> events = events(jobId, reached(JobStatus.FAILED), Duration.ofSeconds(20));
        assertThat(jobStatuses(events)).containsExactly("FAILING/0", "RESTARTING/0", "FAILING/0", "FAILED/0");
        String cause = "NoResourceAvailableException: could not acquire 1 slots within 1 s (0 free of 0)";
        List<LifecycleEvent> statuses = events.stream().filter(LifecycleEvent::hasJobStatusChanged).toList();
        assertThat(statuses.get(0).getJobStatusChanged().getFailureCause()).isEqualTo(cause);
        assertThat(statuses.get(3).getJobStatusChanged().getFailureCause()).isEqualTo(cause);
        // the second attempt to get slots starts after RESTARTING was published and waits the slot request timeout
        assertThat(statuses.get(2).getTimestampMs() - statuses.get(1).getTimestampMs()).isGreaterThanOrEqualTo(1000);
    }

    @Test
    @Order(6)
    void everyFailedDeploymentRestartsTheJobUntilTheAttemptsAreUsedUp() {
        jobManager.registerTaskManager(RegisterTaskManagerRequest.newBuilder().setTaskmanagerId("tm-unreachable")
                .setRpcAddress("127.0.0.1:1").setDataAddress("127.0.0.1:2").setNumberOfSlots(1).build());
        String jobId = newJobId();
        submit(jobId, Map.of("restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.attempts", "2",
                "restart-strategy.fixed-delay.delay", "300 ms"), "", false);
        List<LifecycleEvent> events = events(jobId, reached(JobStatus.FAILED), Duration.ofSeconds(30));
        assertThat(jobStatuses(events)).containsExactly("RUNNING/0", "FAILING/0", "RESTARTING/0", "RUNNING/1", "FAILING/1", "RESTARTING/1",
                "RUNNING/2", "FAILING/2", "FAILED/2");
        assertThat(events.stream().filter(LifecycleEvent::hasTaskStatusChanged)
                .map(e -> e.getTaskStatusChanged().getState() + "/" + e.getTaskStatusChanged().getAttempt()).toList())
                .containsExactly("SCHEDULED/0", "EXECUTION_FAILED/0", "SCHEDULED/1", "EXECUTION_FAILED/1", "SCHEDULED/2", "EXECUTION_FAILED/2");
        List<LifecycleEvent> statuses = events.stream().filter(LifecycleEvent::hasJobStatusChanged).toList();
        assertThat(statuses.get(8).getJobStatusChanged().getFailureCause()).startsWith("could not deploy Source: numbers -> Map (1/1) to tm-unreachable: UNAVAILABLE");
        // the backoff runs from the failure: the subtask's FAILED is published before the job's failure is handled
        long failedAt = events.stream().filter(e -> e.hasTaskStatusChanged() && e.getTaskStatusChanged().getState() == ExecutionState.EXECUTION_FAILED)
                .findFirst().orElseThrow().getTimestampMs();
        assertThat(statuses.get(3).getTimestampMs() - failedAt).isGreaterThanOrEqualTo(300);
        assertThat(events.stream().filter(e -> e.hasTaskStatusChanged() && e.getTaskStatusChanged().getState() == ExecutionState.SCHEDULED)
                .map(e -> e.getTaskStatusChanged().getTaskmanagerId()).distinct().toList()).containsExactly("tm-unreachable");
    }

    @Test
    @Order(7)
    void aCancelDuringTheBackoffEndsTheJobWithoutAnotherAttempt() throws InterruptedException {
        String jobId = newJobId();
        submit(jobId, Map.of("restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.attempts", "5",
                "restart-strategy.fixed-delay.delay", "1500 ms"), "", false);
        events(jobId, reached(JobStatus.RESTARTING), Duration.ofSeconds(20));
        assertThat(jobManager.cancelJob(JobIdRequest.newBuilder().setJobId(jobId).build()).getStatus()).isEqualTo(JobStatus.CANCELED);
        Thread.sleep(2500); // past the backoff: no attempt 1 may start
        List<LifecycleEvent> events = events(jobId, l -> false, Duration.ofSeconds(3));
        assertThat(jobStatuses(events)).containsExactly("RUNNING/0", "FAILING/0", "RESTARTING/0", "CANCELLING/0", "CANCELED/0");
        // a FailJob of an attempt that is over is ignored
        jobManager.failJob(FailJobRequest.newBuilder().setJobId(jobId).setAttempt(0).setCause("late").build());
    }

    /** Last: it stops S3 for good. */
    @Test
    @Order(8)
    void aRestartWhileS3IsUnreachableIsAFailedAttemptNotARestartWithoutState() throws InterruptedException {
        String jobId = newJobId();
        submit(jobId, Map.of("restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.attempts", "1",
                "restart-strategy.fixed-delay.delay", "2 s"), "", false);
        events(jobId, reached(JobStatus.RESTARTING), Duration.ofSeconds(20));
        ProcessHandle s3 = LocalKafkaAndS3.state.process("s3").flatMap(p -> ProcessHandle.of(p.pid())).orElseThrow();
        s3.destroyForcibly();
        s3.onExit().join();
        List<LifecycleEvent> events = events(jobId, reached(JobStatus.FAILED), Duration.ofSeconds(60));
        assertThat(jobStatuses(events)).containsExactly("RUNNING/0", "FAILING/0", "RESTARTING/0", "FAILING/0", "FAILED/0");
        List<LifecycleEvent> statuses = events.stream().filter(LifecycleEvent::hasJobStatusChanged).toList();
        assertThat(statuses.get(4).getJobStatusChanged().getFailureCause()).startsWith("StorageException: S3 unreachable when looking up the latest "
                + "completed checkpoint under " + blobStore.uri("checkpoints/" + jobId) + ": ");
        // the attempt never deployed: no SCHEDULED of attempt 1
        assertThat(events.stream().filter(e -> e.hasTaskStatusChanged() && e.getTaskStatusChanged().getAttempt() > 0)).isEmpty();
    }
}
