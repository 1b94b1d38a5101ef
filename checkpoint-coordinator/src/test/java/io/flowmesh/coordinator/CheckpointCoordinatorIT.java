package io.flowmesh.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.proto.CheckpointCoordinatorServiceGrpc;
import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.CheckpointStats;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.CheckpointingMode;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.ListCheckpointsRequest;
import io.flowmesh.proto.OperatorState;
import io.flowmesh.proto.OperatorSubtaskState;
import io.flowmesh.proto.SavepointStatus;
import io.flowmesh.proto.SavepointStatusRequest;
import io.flowmesh.proto.TriggerSavepointRequest;
import io.flowmesh.proto.TriggerSavepointResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator as a Quarkus app against a real Kafka and S3; the test plays the dispatcher,
 * the JobManager and the TaskManagers (see {@link TestBus}). Each test has its own job.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaAndS3Resource.class, restrictToAnnotatedClass = true)
class CheckpointCoordinatorIT {
    private static TestBus bus;
    private static ManagedChannel channel;

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void connect() {
        if (bus == null) {
            var c = ConfigProvider.getConfig();
            Map<String, String> conf = Map.of(
                    "flowmesh.s3.endpoint", c.getValue("flowmesh.s3.endpoint", String.class),
                    "flowmesh.s3.access-key", c.getValue("flowmesh.s3.access-key", String.class),
                    "flowmesh.s3.secret-key", c.getValue("flowmesh.s3.secret-key", String.class),
                    "flowmesh.s3.bucket", c.getValue("flowmesh.s3.bucket", String.class));
            bus = new TestBus(c.getValue("flowmesh.kafka.bootstrap-servers", String.class), KafkaAndS3Resource.blobStore(conf)).follow();
            channel = NettyChannelBuilder.forAddress("127.0.0.1", base.getPort()).usePlaintext().build();
        }
    }

    @AfterAll
    static void close() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        }
        if (bus != null) {
            bus.close();
        }
    }

    private static CheckpointCoordinatorServiceGrpc.CheckpointCoordinatorServiceBlockingStub grpc() {
        return CheckpointCoordinatorServiceGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    private static String location(String jobId, long id) {
        return "s3://flowmesh/checkpoints/" + jobId + "/chk-" + id;
    }

    /** All three subtasks acknowledge checkpoint {@code id} of {@code attempt}; returns the states in metadata order. */
    private static List<OperatorState> ackAll(String jobId, long id, int attempt, String location) throws Exception {
        OperatorSubtaskState s0 = bus.upload(location, "op-source", 0, "offsets of split 0 at " + id);
        OperatorSubtaskState s1 = bus.upload(location, "op-source", 1, "offsets of split 1 at " + id);
        OperatorSubtaskState m0 = bus.upload(location, "op-map", 0, "keyed state at " + id);
        bus.ack(jobId, id, attempt, "v-source", 1, List.of(s1));
        bus.ack(jobId, id, attempt, "v-map", 0, List.of(m0));
        bus.ack(jobId, id, attempt, "v-source", 0, List.of(s0));
        return List.of(
                OperatorState.newBuilder().setOperatorId("op-source").setParallelism(2).setMaxParallelism(128).addSubtasks(s0).addSubtasks(s1).build(),
                OperatorState.newBuilder().setOperatorId("op-map").setParallelism(1).setMaxParallelism(128).addSubtasks(m0).build(),
                OperatorState.newBuilder().setOperatorId("op-sink").setParallelism(1).setMaxParallelism(128).build());
    }

    private static CheckpointMetadata readMetadata(String location) throws Exception {
        return CheckpointMetadata.parseFrom(bus.store().get(bus.store().keyOf(location + "/_metadata").orElseThrow()).orElseThrow());
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private String metrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base.toString() + "q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of Flink's job-level metric {@code name} for {@code job} in the scrape; null when absent. */
    private static Double jobMetric(String metrics, String name, String job) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "\\{job_id=\"" + job + "\",job_name=\"[^\"]*\",?} (\\S+)$")
                .matcher(metrics);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    private Double jobMetric(String name, String job) {
        try {
            return jobMetric(metrics(), name, job);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theFinalCheckpointIsTriggeredOnceEverySourceEndedNotAfterTheInterval() throws Exception {
        String job = "aaaa0000000000000000000000000009";
        bus.submit(job, Map.of("execution.checkpointing.interval", "1 h"));
        bus.running(job, 0);
        bus.inputEnded(job, 0, "v-source", 1);
        bus.inputEnded(job, 1, "v-source", 0); // another attempt's: not counted
        Thread.sleep(1500);
        assertThat(bus.events(job)).as("one of two sources ended: nothing triggered before the 1 h interval").noneMatch(CheckpointEvent::hasTrigger);

        long ended = System.currentTimeMillis();
        bus.inputEnded(job, 0, "v-source", 0);
        CheckpointEvent trigger = bus.awaitTrigger(job, 1);
        assertThat(trigger.getTimestampMs() - ended).as("ms from the last source's end of input to the trigger").isLessThan(5_000);
        assertThat(trigger.getTrigger().getType()).isEqualTo(CheckpointType.CHECKPOINT);
        bus.jobStatus(job, JobStatus.FINISHED, 0);
        bus.awaitAbort(job, 1);
    }

    @Test
    void periodicCheckpointsCompleteWithMetadataAndKeepNumRetained() throws Exception {
        String job = "aaaa0000000000000000000000000001";
        bus.submit(job, Map.of("execution.checkpointing.interval", "200 ms", "execution.checkpointing.min-pause", "300 ms",
                "execution.checkpointing.num-retained", "2"));
        bus.running(job, 0);

        CheckpointEvent previousCompleted = null;
        for (long n = 1; n <= 4; n++) {
            CheckpointEvent trigger = bus.awaitTrigger(job, n);
            assertThat(trigger.getAttempt()).isZero();
            assertThat(trigger.getTrigger().getType()).isEqualTo(CheckpointType.CHECKPOINT);
            assertThat(trigger.getTrigger().getMode()).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
            assertThat(trigger.getTrigger().getTargetLocation()).isEqualTo(location(job, n));
            if (previousCompleted != null) {
                // min-pause: from the completion of n-1 to the trigger of n
                assertThat(trigger.getTimestampMs() - previousCompleted.getTimestampMs()).isGreaterThanOrEqualTo(300);
            }
            List<OperatorState> expectedOperators = ackAll(job, n, 0, location(job, n));
            CheckpointEvent completed = bus.awaitCompleted(job, n);
            assertThat(completed.getAttempt()).isZero();
            assertThat(completed.getCompleted().getType()).isEqualTo(CheckpointType.CHECKPOINT);
            assertThat(completed.getCompleted().getMetadataUri()).isEqualTo(location(job, n) + "/_metadata");
            assertThat(readMetadata(location(job, n))).isEqualTo(CheckpointMetadata.newBuilder().setJobId(job).setCheckpointId(n)
                    .setType(CheckpointType.CHECKPOINT).setTriggerTimestampMs(trigger.getTimestampMs())
                    .setCompletionTimestampMs(completed.getTimestampMs()).setAttempt(0).addAllOperators(expectedOperators).build());
            // at most one concurrent checkpoint: nothing triggered between trigger n and its completion
            List<CheckpointEvent> events = bus.events(job);
            assertThat(events.subList(events.indexOf(trigger), events.indexOf(completed)).stream().filter(CheckpointEvent::hasTrigger)).hasSize(1);
            previousCompleted = completed;
        }
        eventually("chk-1 and chk-2 discarded", () -> bus.files(location(job, 1)).isEmpty() && bus.files(location(job, 2)).isEmpty());
        for (long n = 3; n <= 4; n++) {
            String prefix = "checkpoints/" + job + "/chk-" + n + "/";
            assertThat(bus.files(location(job, n))).containsExactly(prefix + "_metadata", prefix + "op-map-0.state", prefix + "op-source-0.state",
                    prefix + "op-source-1.state");
        }

        CheckpointEvent fifth = bus.awaitTrigger(job, 5);
        CheckpointHistory history = grpc().listCheckpoints(ListCheckpointsRequest.newBuilder().setJobId(job).build());
        assertThat(history.getCompleted()).isEqualTo(4);
        assertThat(history.getFailed()).isZero();
        assertThat(history.getInProgress()).isEqualTo(1);
        assertThat(history.getLatestCompletedId()).isEqualTo(4);
        assertThat(history.getCheckpointsList()).extracting(CheckpointStats::getCheckpointId).containsExactly(5L, 4L, 3L, 2L, 1L);
        assertThat(history.getCheckpoints(0).getStatus()).isEqualTo(CheckpointStatus.CHECKPOINT_IN_PROGRESS);
        CheckpointStats fourth = history.getCheckpoints(1);
        long size4 = "offsets of split 0 at 4".length() + "offsets of split 1 at 4".length() + "keyed state at 4".length();
        assertThat(fourth).isEqualTo(CheckpointStats.newBuilder().setCheckpointId(4).setType(CheckpointType.CHECKPOINT)
                .setStatus(CheckpointStatus.CHECKPOINT_COMPLETED).setTriggerTimestampMs(bus.awaitTrigger(job, 4).getTimestampMs())
                .setDurationMs(bus.awaitCompleted(job, 4).getTimestampMs() - bus.awaitTrigger(job, 4).getTimestampMs())
                .setStateSizeBytes(size4).setLocation(location(job, 4)).setAcknowledgedSubtasks(3).setTotalSubtasks(3).build());

        // the gauges follow the coordinator's tick
        eventually("4 completed checkpoints in the metrics", () -> Double.valueOf(4).equals(jobMetric("flink_jobmanager_job_numberOfCompletedCheckpoints", job)));
        String metrics = metrics();
        assertThat(jobMetric(metrics, "flink_jobmanager_job_lastCheckpointSize", job)).isEqualTo((double) size4);
        assertThat(jobMetric(metrics, "flink_jobmanager_job_lastCheckpointDuration", job)).isEqualTo((double) fourth.getDurationMs());
        assertThat(jobMetric(metrics, "flink_jobmanager_job_numberOfFailedCheckpoints", job)).isZero();
        assertThat(jobMetric(metrics, "flink_jobmanager_job_numberOfInProgressCheckpoints", job)).isEqualTo(1.0);
        assertThat(metrics).doesNotContain("flowmesh_checkpoints_completed_total");

        bus.jobStatus(job, JobStatus.CANCELED, 0);
        CheckpointEvent abort = bus.awaitAbort(job, 5);
        assertThat(abort.getAbort().getCause()).isEqualTo("job " + job + " is CANCELED, not RUNNING");
        assertThat(abort.getTimestampMs()).isGreaterThanOrEqualTo(fifth.getTimestampMs());
    }

    @Test
    void declineAndTimeoutAbortAndDiscardAndIdsContinueAcrossAJobRestart() throws Exception {
        String job = "bbbb0000000000000000000000000002";
        bus.submit(job, Map.of("execution.checkpointing.interval", "200 ms", "execution.checkpointing.timeout", "1500 ms",
                "execution.checkpointing.tolerable-failed-checkpoints", "5"));
        bus.running(job, 0);

        // 1: one subtask acknowledges with a file, another declines
        bus.awaitTrigger(job, 1);
        OperatorSubtaskState s0 = bus.upload(location(job, 1), "op-source", 0, "offsets");
        bus.ack(job, 1, 0, "v-source", 0, List.of(s0));
        bus.decline(job, 1, 0, "v-source", 1, "java.io.IOException: disk full");
        CheckpointEvent abort1 = bus.awaitAbort(job, 1);
        assertThat(abort1.getAbort().getCause())
                .isEqualTo("Checkpoint 1 was declined by subtask 1 of vertex v-source: java.io.IOException: disk full");
        eventually("chk-1 discarded", () -> bus.files(location(job, 1)).isEmpty());

        // 2: nobody answers: it expires after the timeout
        CheckpointEvent trigger2 = bus.awaitTrigger(job, 2);
        CheckpointEvent abort2 = bus.awaitAbort(job, 2);
        assertThat(abort2.getAbort().getCause()).isEqualTo("Checkpoint expired before completing (execution.checkpointing.timeout 1500 ms)");
        assertThat(abort2.getTimestampMs() - trigger2.getTimestampMs()).isGreaterThanOrEqualTo(1500);

        // 3: the job restarts while it is pending; acknowledgements of the old attempt do not count for 4
        bus.awaitTrigger(job, 3);
        bus.jobStatus(job, JobStatus.RESTARTING, 0);
        assertThat(bus.awaitAbort(job, 3).getAbort().getCause()).isEqualTo("job " + job + " is RESTARTING, not RUNNING");
        bus.running(job, 1);
        CheckpointEvent trigger4 = bus.awaitTrigger(job, 4);
        assertThat(trigger4.getAttempt()).isEqualTo(1);
        assertThat(trigger4.getTrigger().getTargetLocation()).isEqualTo(location(job, 4));
        ackAll(job, 4, 0, location(job, 4));
        Thread.sleep(300);
        assertThat(bus.events(job).stream().filter(e -> e.getCheckpointId() == 4 && !e.hasAcknowledge()))
                .as("stale acknowledgements completed nothing").containsExactly(trigger4);
        List<OperatorState> expected = ackAll(job, 4, 1, location(job, 4));
        CheckpointEvent completed4 = bus.awaitCompleted(job, 4);
        assertThat(completed4.getAttempt()).isEqualTo(1);
        assertThat(readMetadata(location(job, 4)).getAttempt()).isEqualTo(1);
        assertThat(readMetadata(location(job, 4)).getOperatorsList()).isEqualTo(expected);
        assertThat(bus.events(job).stream().filter(CheckpointEvent::hasTrigger).map(CheckpointEvent::getCheckpointId)).startsWith(1L, 2L, 3L, 4L);

        // checkpoint 5 (triggered 200 ms after 4) may expire on a slow machine before the counts are read:
        // read the metric first, then the history, and check ids 1-4 exactly and what came after apart
        String metrics = metrics();
        CheckpointHistory history = grpc().listCheckpoints(ListCheckpointsRequest.newBuilder().setJobId(job).build());
        assertThat(history.getCheckpointsList().stream().filter(c -> c.getCheckpointId() <= 4).map(c -> c.getCheckpointId() + " " + c.getStatus()))
                .containsExactly("4 CHECKPOINT_COMPLETED", "3 CHECKPOINT_FAILED", "2 CHECKPOINT_FAILED", "1 CHECKPOINT_FAILED");
        long laterFailures = history.getCheckpointsList().stream()
                .filter(c -> c.getCheckpointId() > 4 && c.getStatus() == CheckpointStatus.CHECKPOINT_FAILED).count();
        assertThat(history.getCompleted()).isEqualTo(1);
        assertThat(history.getFailed()).isEqualTo(3 + laterFailures);
        assertThat(history.getLatestCompletedId()).isEqualTo(4);
        Double failedMetric = jobMetric(metrics, "flink_jobmanager_job_numberOfFailedCheckpoints", job);
        assertThat(failedMetric).as("the failed-checkpoints gauge of job " + job).isNotNull();
        assertThat(failedMetric).isBetween(3.0, 3.0 + laterFailures);
        assertThat(jobMetric(metrics, "flink_jobmanager_job_numberOfCompletedCheckpoints", job)).isEqualTo(1.0);
        bus.jobStatus(job, JobStatus.CANCELED, 1);
    }

    @Test
    void savepointsViaGrpcAreKeptWhenCompleteAndDiscardedWhenFailed() throws Exception {
        String job = "cccc0000000000000000000000000003";
        assertThatThrownBy(() -> grpc().triggerSavepoint(TriggerSavepointRequest.newBuilder().setJobId(job).setType(CheckpointType.SAVEPOINT).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).contains(job);
                });
        bus.submit(job, Map.of()); // no interval: savepoints only
        bus.jobStatus(job, JobStatus.RUNNING, 0);
        bus.task(job, "v-source", 0, 0, ExecutionState.EXECUTION_RUNNING);
        bus.task(job, "v-source", 1, 0, ExecutionState.EXECUTION_RUNNING);
        bus.task(job, "v-map", 0, 0, ExecutionState.DEPLOYING);
        eventually("FAILED_PRECONDITION naming the deploying subtask", () -> {
            try {
                grpc().triggerSavepoint(TriggerSavepointRequest.newBuilder().setJobId(job).setType(CheckpointType.SAVEPOINT).build());
                throw new AssertionError("a savepoint was triggered while a subtask deploys");
            } catch (StatusRuntimeException e) {
                return e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION && e.getStatus().getDescription().equals(
                        "cannot take a savepoint of job " + job + ": subtask Map -> Sink (1/1) of job " + job + " attempt 0 is DEPLOYING, not RUNNING");
            }
        });
        bus.task(job, "v-map", 0, 0, ExecutionState.EXECUTION_RUNNING);

        String spLocation = "s3://flowmesh/savepoints-it/savepoint-cccc00-1";
        TriggerSavepointResponse sp = triggerWhenRunning(TriggerSavepointRequest.newBuilder().setJobId(job).setType(CheckpointType.SAVEPOINT)
                .setTargetDirectory("s3://flowmesh/savepoints-it/").build());
        assertThat(sp).isEqualTo(TriggerSavepointResponse.newBuilder().setCheckpointId(1).setLocation(spLocation).build());
        CheckpointEvent trigger = bus.awaitTrigger(job, 1);
        assertThat(trigger.getTrigger().getType()).isEqualTo(CheckpointType.SAVEPOINT);
        assertThat(trigger.getTrigger().getTargetLocation()).isEqualTo(spLocation);
        assertThat(trigger.getAttempt()).isZero();
        assertThat(status(job, 1).getStatus()).isEqualTo(CheckpointStatus.CHECKPOINT_IN_PROGRESS);
        List<OperatorState> expected = ackAll(job, 1, 0, spLocation);
        CheckpointEvent completed = bus.awaitCompleted(job, 1);
        assertThat(completed.getCompleted().getType()).isEqualTo(CheckpointType.SAVEPOINT);
        assertThat(completed.getCompleted().getMetadataUri()).isEqualTo(spLocation + "/_metadata");
        assertThat(status(job, 1)).isEqualTo(SavepointStatus.newBuilder().setStatus(CheckpointStatus.CHECKPOINT_COMPLETED).setLocation(spLocation).build());
        CheckpointMetadata md = readMetadata(spLocation);
        assertThat(md.getType()).isEqualTo(CheckpointType.SAVEPOINT);
        assertThat(md.getOperatorsList()).isEqualTo(expected);

        // stop-with-savepoint to the default directory; a decline fails it and discards its files
        TriggerSavepointResponse stop = grpc().triggerSavepoint(TriggerSavepointRequest.newBuilder().setJobId(job)
                .setType(CheckpointType.SAVEPOINT_STOP).build());
        String stopLocation = "s3://flowmesh/savepoints/savepoint-cccc00-2";
        assertThat(stop).isEqualTo(TriggerSavepointResponse.newBuilder().setCheckpointId(2).setLocation(stopLocation).build());
        assertThat(bus.awaitTrigger(job, 2).getTrigger().getType()).isEqualTo(CheckpointType.SAVEPOINT_STOP);
        assertThatThrownBy(() -> grpc().triggerSavepoint(TriggerSavepointRequest.newBuilder().setJobId(job).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).isEqualTo("cannot take a savepoint of job " + job
                            + ": savepoint 2 is in progress (GetSavepointStatus)");
                });
        bus.ack(job, 2, 0, "v-source", 0, List.of(bus.upload(stopLocation, "op-source", 0, "offsets")));
        bus.decline(job, 2, 0, "v-map", 0, "java.lang.IllegalStateException: snapshot failed");
        assertThat(bus.awaitAbort(job, 2).getAbort().getCause())
                .isEqualTo("Checkpoint 2 was declined by subtask 0 of vertex v-map: java.lang.IllegalStateException: snapshot failed");
        eventually("the failed savepoint's status", () -> status(job, 2).getStatus() == CheckpointStatus.CHECKPOINT_FAILED);
        assertThat(status(job, 2).getFailureCause()).contains("java.lang.IllegalStateException: snapshot failed");
        eventually("the failed savepoint's files discarded", () -> bus.files(stopLocation).isEmpty());

        // the completed savepoint stays, and no periodic checkpoint was triggered (no interval)
        String prefix = "savepoints-it/savepoint-cccc00-1/";
        assertThat(bus.files(spLocation)).containsExactly(prefix + "_metadata", prefix + "op-map-0.state", prefix + "op-source-0.state",
                prefix + "op-source-1.state");
        assertThat(bus.events(job).stream().filter(CheckpointEvent::hasTrigger).map(e -> e.getTrigger().getType()))
                .containsExactly(CheckpointType.SAVEPOINT, CheckpointType.SAVEPOINT_STOP);
        assertThatThrownBy(() -> status(job, 3)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        bus.jobStatus(job, JobStatus.CANCELED, 0);
    }

    private static TriggerSavepointResponse triggerWhenRunning(TriggerSavepointRequest r) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                return grpc().triggerSavepoint(r);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static SavepointStatus status(String job, long id) {
        return grpc().getSavepointStatus(SavepointStatusRequest.newBuilder().setJobId(job).setCheckpointId(id).build());
    }

    @Test
    void aCheckpointLeftPendingByAPreviousRunIsAbortedAndIdsContinueAboveS3() throws Exception {
        String job = CoordinatorRestartScenario.JOB;
        String dir = CoordinatorRestartScenario.DIR;
        CheckpointEvent abort = bus.awaitAbort(job, 7);
        assertThat(abort.getAbort().getCause()).isEqualTo("the checkpoint coordinator restarted while the checkpoint was pending");
        eventually("chk-7 discarded", () -> bus.files(dir + "/chk-7").isEmpty());
        CheckpointEvent trigger = bus.awaitTrigger(job, 10);
        assertThat(trigger.getTrigger().getTargetLocation()).isEqualTo(dir + "/chk-10");
        assertThat(bus.events(job).stream().filter(CheckpointEvent::hasTrigger).map(CheckpointEvent::getCheckpointId)).startsWith(7L, 10L);
        ackAll(job, 10, 0, dir + "/chk-10");
        bus.awaitCompleted(job, 10);
        eventually("chk-9 discarded (num-retained 1)", () -> bus.files(dir + "/chk-9").isEmpty());
        assertThat(bus.files(dir + "/chk-10")).contains("checkpoints/" + job + "/chk-10/_metadata");
        bus.jobStatus(job, JobStatus.CANCELED, 0);
    }
}
