package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import io.flowmesh.local.ManagedProcess;
import io.flowmesh.proto.Command;
import io.flowmesh.proto.CommandResult;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobIdCommand;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.SavepointStatus;
import io.flowmesh.proto.SavepointStatusRequest;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.ListJobsRequest;
import io.flowmesh.proto.WatchJobsRequest;
import io.flowmesh.proto.WatchStart;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operating surfaces of the dispatcher against a real local cluster: a client that knows only
 * server reflection (no generated stubs), the Kafka command topic driven with plain Kafka clients
 * and JSON, duplicates and a dispatcher restart between two deliveries of one command, malformed
 * and refused commands, WatchJobs, the counters, the bearer token (a second dispatcher process),
 * and the CLI's --output json and exit codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatingIT {
    private static final String EXAMPLE_CLASS = "io.flowmesh.examples.KeyedCountExample";
    private static final String UNKNOWN = "0123456789abcdef0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestCluster cluster;
    private DispatcherClient client;
    private String artifactUri;
    private KafkaProducer<String, String> producer;
    private final Map<String, List<String>> results = new HashMap<>();
    private KafkaConsumer<String, String> resultsReader;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start("operating-it");
        client = new DispatcherClient(cluster.dispatcher());
        artifactUri = client.upload(cluster.home.resolve("examples/target/flowmesh-examples.jar")).getUri();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
        resultsReader = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = resultsReader.partitionsFor("flowmesh.command-results").stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        resultsReader.assign(partitions);
        resultsReader.seekToBeginning(partitions);
    }

    @AfterAll
    void stopCluster() throws Exception {
        try {
            if (producer != null) {
                producer.close();
            }
            if (resultsReader != null) {
                resultsReader.close();
            }
            if (client != null) {
                client.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private List<String> args(String topicSuffix) {
        return List.of("--records", "500", "--topic", "it-op-" + topicSuffix + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    // ---- reflection only ----

    /** Every file the reflection service knows for {@code symbol}, with its dependencies, built into descriptors. */
    private static Map<String, FileDescriptor> descriptorsOf(Channel channel, String symbol) throws Exception {
        Map<String, FileDescriptorProto> protos = new HashMap<>();
        List<ServerReflectionResponse> answers = reflect(channel, List.of(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build()));
        answers.forEach(a -> a.getFileDescriptorResponse().getFileDescriptorProtoList().forEach(b -> {
            try {
                FileDescriptorProto p = FileDescriptorProto.parseFrom(b);
                protos.put(p.getName(), p);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }));
        Map<String, FileDescriptor> built = new HashMap<>();
        for (String name : new ArrayList<>(protos.keySet())) {
            build(name, protos, built);
        }
        return built;
    }

    private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built) throws Exception {
        if (built.containsKey(name)) {
            return built.get(name);
        }
        FileDescriptorProto proto = protos.get(name);
        assertThat(proto).as("reflection served the dependency " + name).isNotNull();
        List<FileDescriptor> deps = new ArrayList<>();
        for (String dep : proto.getDependencyList()) {
            deps.add(build(dep, protos, built));
        }
        FileDescriptor fd = FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]));
        built.put(name, fd);
        return fd;
    }

    private static List<ServerReflectionResponse> reflect(Channel channel, List<ServerReflectionRequest> requests) throws Exception {
        List<ServerReflectionResponse> answers = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> out = ServerReflectionGrpc.newStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        requests.forEach(out::onNext);
        out.onCompleted();
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
        return answers;
    }

    private static DynamicMessage callDynamically(Channel channel, ServiceDescriptor service, String method, DynamicMessage request) {
        MethodDescriptor m = service.findMethodByName(method);
        io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> call = io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(service.getFullName(), m.getName()))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(m.getInputType())))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(m.getOutputType())))
                .build();
        return ClientCalls.blockingUnaryCall(channel, call, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request);
    }

    @Test
    @Order(1)
    void aClientThatKnowsOnlyReflectionListsServicesAndCallsTheDispatcher() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forTarget(cluster.dispatcher()).usePlaintext().build();
        try {
            List<ServerReflectionResponse> listed = reflect(channel, List.of(ServerReflectionRequest.newBuilder().setListServices("").build()));
            Set<String> services = new HashSet<>();
            listed.forEach(r -> r.getListServicesResponse().getServiceList().forEach(s -> services.add(s.getName())));
            assertThat(services).contains("flowmesh.v1.DispatcherService");

            Map<String, FileDescriptor> files = descriptorsOf(channel, "flowmesh.v1.DispatcherService");
            ServiceDescriptor service = files.values().stream().map(f -> f.findServiceByName("DispatcherService"))
                    .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
            assertThat(service.getMethods().stream().map(MethodDescriptor::getName)).contains("UploadArtifact", "SubmitJob", "ListJobs",
                    "GetJob", "CancelJob", "GetJobEvents", "WatchJobs", "GetClusterOverview", "TriggerSavepoint", "GetSavepointStatus",
                    "StopJob", "ListCheckpoints");

            Descriptor overviewRequest = service.findMethodByName("GetClusterOverview").getInputType();
            DynamicMessage overview = callDynamically(channel, service, "GetClusterOverview", DynamicMessage.getDefaultInstance(overviewRequest));
            // TestCluster: two TaskManagers of 2 slots each
            assertThat(overview.getField(overview.getDescriptorForType().findFieldByName("slots_total"))).isEqualTo(4);
            assertThat(overview.getRepeatedFieldCount(overview.getDescriptorForType().findFieldByName("taskmanagers"))).isEqualTo(2);

            // a job submitted with generated stubs shows up in the dynamic ListJobs
            String jobId = client.submit(artifactUri, EXAMPLE_CLASS, 1, args("refl")).getJobId();
            client.awaitTerminal(jobId, Duration.ofSeconds(90));
            Descriptor listRequest = service.findMethodByName("ListJobs").getInputType();
            DynamicMessage list = callDynamically(channel, service, "ListJobs", DynamicMessage.newBuilder(listRequest)
                    .setField(listRequest.findFieldByName("include_terminal"), true).build());
            var jobsField = list.getDescriptorForType().findFieldByName("jobs");
            List<String> finished = new ArrayList<>();
            for (int i = 0; i < list.getRepeatedFieldCount(jobsField); i++) {
                DynamicMessage job = (DynamicMessage) list.getRepeatedField(jobsField, i);
                var d = job.getDescriptorForType();
                if (job.getField(d.findFieldByName("job_id")).equals(jobId)) {
                    finished.add(((com.google.protobuf.Descriptors.EnumValueDescriptor) job.getField(d.findFieldByName("status"))).getName());
                }
            }
            assertThat(finished).containsExactly("FINISHED");

            // an unknown job: NOT_FOUND naming it, also for a dynamic client
            Descriptor getRequest = service.findMethodByName("GetJob").getInputType();
            assertThatThrownBy(() -> callDynamically(channel, service, "GetJob", DynamicMessage.newBuilder(getRequest)
                    .setField(getRequest.findFieldByName("job_id"), UNKNOWN).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                        assertThat(e.getStatus().getDescription()).isEqualTo("no job with id '" + UNKNOWN + "'");
                    });
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    // ---- WatchJobs ----

    @Test
    @Order(2)
    void watchOfOneJobEndsWithTheJobAndWatchOfAllFollowsNewJobs() throws Exception {
        LinkedBlockingQueue<LifecycleEvent> all = new LinkedBlockingQueue<>();
        Context.CancellableContext watching = Context.current().withCancellation();
        CompletableFuture<Status> allEnded = new CompletableFuture<>();
        // every job's events from the beginning: no race between the watch's start and the submission below
        watching.run(() -> io.flowmesh.proto.DispatcherServiceGrpc.newStub(client.channel).watchJobs(
                WatchJobsRequest.newBuilder().setStart(WatchStart.WATCH_FROM_BEGINNING).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(LifecycleEvent value) {
                        all.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        allEnded.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        allEnded.complete(Status.OK);
                    }
                }));
        try {
            String jobId = client.submit(artifactUri, EXAMPLE_CLASS, 2, args("watch")).getJobId();
            // the all-jobs stream sees this job's submission and, later, its end
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            boolean sawSubmitted = false;
            boolean sawFinished = false;
            while (!sawFinished && System.nanoTime() < deadline) {
                LifecycleEvent e = all.poll(1, TimeUnit.SECONDS);
                if (e == null || !e.getJobId().equals(jobId)) {
                    continue;
                }
                sawSubmitted |= e.hasJobSubmitted();
                sawFinished = e.hasJobStatusChanged() && e.getJobStatusChanged().getStatus() == JobStatus.FINISHED;
            }
            assertThat(sawSubmitted).isTrue();
            assertThat(sawFinished).isTrue();
            assertThat(allEnded).isNotDone();

            // one job from the beginning: the whole history (equal to GetJobEvents), then the stream completes
            List<LifecycleEvent> history = new ArrayList<>();
            Iterator<LifecycleEvent> stream = client.blocking.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .watchJobs(WatchJobsRequest.newBuilder().setJobId(jobId).build());
            stream.forEachRemaining(history::add);
            List<LifecycleEvent> stored = client.stub().getJobEvents(io.flowmesh.proto.JobEventsRequest.newBuilder().setJobId(jobId).build())
                    .getEventsList();
            assertThat(history).isEqualTo(stored);
            assertThat(history.get(0).hasJobSubmitted()).isTrue();
            assertThat(history.get(history.size() - 1).getJobStatusChanged().getStatus()).isEqualTo(JobStatus.FINISHED);
            // 2 vertices? at least: every subtask's FINISHED precedes the job's
            assertThat(history.stream().filter(e -> e.hasTaskStatusChanged()
                    && e.getTaskStatusChanged().getState() == io.flowmesh.proto.ExecutionState.EXECUTION_FINISHED).count())
                    .isEqualTo(client.stub().getJob(io.flowmesh.proto.JobIdRequest.newBuilder().setJobId(jobId).build())
                            .getSummary().getTaskCountsMap().get("FINISHED").longValue());

            // from now, for a job already ended: completes at once, empty
            List<LifecycleEvent> none = new ArrayList<>();
            client.blocking.withDeadlineAfter(30, TimeUnit.SECONDS).watchJobs(WatchJobsRequest.newBuilder().setJobId(jobId)
                    .setStart(WatchStart.WATCH_FROM_NOW).build()).forEachRemaining(none::add);
            assertThat(none).isEmpty();

            assertThatThrownBy(() -> client.blocking.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .watchJobs(WatchJobsRequest.newBuilder().setJobId(UNKNOWN).build()).hasNext())
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

            // a watch whose deadline passes ends DEADLINE_EXCEEDED
            Iterator<LifecycleEvent> short_ = client.blocking.withDeadlineAfter(1, TimeUnit.SECONDS)
                    .watchJobs(WatchJobsRequest.newBuilder().setStart(WatchStart.WATCH_FROM_NOW).build());
            assertThatThrownBy(short_::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        } finally {
            watching.cancel(null);
        }
        assertThat(allEnded.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    }

    // ---- the command topic ----

    private void sendJson(String key, String json) throws Exception {
        producer.send(new ProducerRecord<>("flowmesh.commands", key, json)).get(30, TimeUnit.SECONDS);
    }

    /** The n-th result (1-based) written for {@code key}, read with a plain consumer; waits for it. */
    private JsonNode result(String key, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (results.getOrDefault(key, List.of()).size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no result #" + n + " for command " + key + " within 120 s; results: " + results);
            }
            for (ConsumerRecord<String, String> r : resultsReader.poll(Duration.ofMillis(300))) {
                results.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            }
        }
        return JSON.readTree(results.get(key).get(n - 1));
    }

    private Set<String> allJobIds() {
        Set<String> ids = new HashSet<>();
        client.stub().listJobs(ListJobsRequest.newBuilder().setIncludeTerminal(true).build()).getJobsList().forEach(j -> ids.add(j.getJobId()));
        return ids;
    }

    private String submitJson(String commandId, String topicSuffix) {
        return "{\"commandId\":\"" + commandId + "\",\"submit\":{\"artifactUri\":\"" + artifactUri + "\",\"entryClass\":\""
                + EXAMPLE_CLASS + "\",\"parallelism\":1,\"args\":[\"--records\",\"300\",\"--topic\",\"it-cmd-" + topicSuffix + "\"]}}";
    }

    private String metrics() throws Exception {
        String http = cluster.state.process("dispatcher").orElseThrow().address(ManagedProcess.HTTP).orElseThrow();
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double sample(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.Ee+-]+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    @Order(3)
    void jsonCommandsAreExecutedOnceAndAnsweredByCommandId() throws Exception {
        String before = metrics();
        Set<String> jobsBefore = allJobIds();
        String id = "submit-" + UUID.randomUUID();
        sendJson(id, submitJson(id, UUID.randomUUID().toString().substring(0, 8)));
        JsonNode first = result(id, 1);
        assertThat(first.get("ok").asBoolean()).as(first.toString()).isTrue();
        assertThat(first.get("operation").asText()).isEqualTo("submit");
        assertThat(first.get("duplicate").asBoolean()).isFalse();
        String jobId = first.get("jobId").asText();
        assertThat(jobId).matches("[0-9a-f]{32}");
        assertThat(client.awaitTerminal(jobId, Duration.ofSeconds(90)).getSummary().getStatus()).isEqualTo(JobStatus.FINISHED);

        // the same id again: answered with the first result, not executed
        sendJson(id, submitJson(id, "other"));
        JsonNode second = result(id, 2);
        assertThat(second.get("duplicate").asBoolean()).isTrue();
        assertThat(second.get("jobId").asText()).isEqualTo(jobId);
        Set<String> newJobs = allJobIds();
        newJobs.removeAll(jobsBefore);
        assertThat(newJobs).containsExactly(jobId);

        // malformed JSON, garbage bytes, an unknown operation, an unknown job: error results, the consumer goes on
        sendJson("bad-json-" + id, "{\"commandId\": \"x\", ");
        JsonNode badJson = result("bad-json-" + id, 1);
        assertThat(badJson.get("ok").asBoolean()).isFalse();
        assertThat(badJson.get("errorCode").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(badJson.get("error").asText()).startsWith("not a Command in protobuf's JSON mapping");

        producer.send(new ProducerRecord<>("flowmesh.commands", "garbage-" + id, "\u0007\u0007garbage")).get();
        // a binary value gets a binary answer: read it as bytes
        CommandResult garbage = binaryResult("garbage-" + id);
        assertThat(garbage.getOk()).isFalse();
        assertThat(garbage.getError()).startsWith("not a Command in protobuf's binary encoding");

        String unknownOp = "restart-" + id;
        sendJson(unknownOp, "{\"commandId\":\"" + unknownOp + "\",\"restart\":{\"jobId\":\"" + jobId + "\"}}");
        JsonNode restart = result(unknownOp, 1);
        assertThat(restart.get("ok").asBoolean()).isFalse();
        assertThat(restart.get("commandId").asText()).isEqualTo(unknownOp);
        assertThat(restart.get("error").asText()).contains("restart");

        String cancelUnknown = "cancel-" + id;
        sendJson(cancelUnknown, "{\"commandId\":\"" + cancelUnknown + "\",\"cancel\":{\"jobId\":\"" + UNKNOWN + "\"}}");
        JsonNode cancel = result(cancelUnknown, 1);
        assertThat(cancel.get("ok").asBoolean()).isFalse();
        assertThat(cancel.get("errorCode").asText()).isEqualTo("NOT_FOUND");
        assertThat(cancel.get("error").asText()).isEqualTo("no job with id '" + UNKNOWN + "'");

        String savepointUnknown = "savepoint-" + id;
        sendJson(savepointUnknown, "{\"commandId\":\"" + savepointUnknown + "\",\"savepoint\":{\"jobId\":\"" + UNKNOWN + "\"}}");
        assertThat(result(savepointUnknown, 1).get("errorCode").asText()).isEqualTo("NOT_FOUND");
        String stopFinished = "stop-" + id;
        sendJson(stopFinished, "{\"commandId\":\"" + stopFinished + "\",\"stop\":{\"jobId\":\"" + jobId + "\",\"drain\":true}}");
        JsonNode stop = result(stopFinished, 1);
        assertThat(stop.get("errorCode").asText()).isEqualTo("FAILED_PRECONDITION");
        assertThat(stop.get("error").asText()).isEqualTo("job " + jobId + " is already FINISHED; nothing to stop");

        // a protobuf command (binary in, binary out) still works after all that
        String binaryId = "binary-cancel-" + id;
        try (KafkaProducer<String, byte[]> bytes = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka()),
                new StringSerializer(), new ByteArraySerializer())) {
            bytes.send(new ProducerRecord<>("flowmesh.commands", binaryId, Command.newBuilder().setCommandId(binaryId)
                    .setCancel(JobIdCommand.newBuilder().setJobId(jobId)).build().toByteArray())).get();
        }
        CommandResult binary = binaryResult(binaryId);
        assertThat(binary.getOperation()).isEqualTo("cancel");
        assertThat(binary.getErrorCode()).isEqualTo("FAILED_PRECONDITION");

        String after = metrics();
        assertThat(sample(after, "flowmesh_dispatcher_commands_total{operation=\"submit\",outcome=\"ok\"}")
                - sample(before, "flowmesh_dispatcher_commands_total{operation=\"submit\",outcome=\"ok\"}")).isEqualTo(1.0);
        assertThat(sample(after, "flowmesh_dispatcher_commands_total{operation=\"submit\",outcome=\"duplicate\"}")
                - sample(before, "flowmesh_dispatcher_commands_total{operation=\"submit\",outcome=\"duplicate\"}")).isEqualTo(1.0);
        assertThat(sample(after, "flowmesh_dispatcher_commands_total{operation=\"unknown\",outcome=\"error\"}")
                - sample(before, "flowmesh_dispatcher_commands_total{operation=\"unknown\",outcome=\"error\"}")).isEqualTo(3.0);
        assertThat(sample(after, "flowmesh_dispatcher_commands_total{operation=\"cancel\",outcome=\"error\"}")
                - sample(before, "flowmesh_dispatcher_commands_total{operation=\"cancel\",outcome=\"error\"}")).isEqualTo(2.0);
        assertThat(sample(after, "flowmesh_dispatcher_submissions_total{outcome=\"ok\"}")
                - sample(before, "flowmesh_dispatcher_submissions_total{outcome=\"ok\"}")).isEqualTo(1.0);
    }

    @Test
    @Order(4)
    void savepointStopAndCancelCommandsActOnRunningJobs() throws Exception {
        String in = "it-cmd-run-" + UUID.randomUUID().toString().substring(0, 8);
        CountJob.prepare(cluster.kafka(), 20_000, in, in + "-a", in + "-b");
        // 100 records/s per job: they run until stopped or cancelled
        String a = submitRunningByCommand(in, in + "-a");
        String b = submitRunningByCommand(in, in + "-b");
        // a savepoint needs every subtask RUNNING (a job is RUNNING before its subtasks are): a completed checkpoint shows they are
        CountJob.awaitCompletedCheckpoint(cluster.kafka(), a, 0, Duration.ofSeconds(90));
        client.awaitStatus(b, JobStatus.RUNNING, Duration.ofSeconds(90));

        String savepointId = "savepoint-" + a;
        sendJson(savepointId, "{\"commandId\":\"" + savepointId + "\",\"savepoint\":{\"jobId\":\"" + a + "\"}}");
        JsonNode savepoint = result(savepointId, 1);
        assertThat(savepoint.get("ok").asBoolean()).as(savepoint.toString()).isTrue();
        long savepointCheckpoint = savepoint.get("checkpointId").asLong();
        assertThat(savepoint.get("savepointLocation").asText())
                .isEqualTo("s3://flowmesh/savepoints/savepoint-" + a.substring(0, 6) + "-" + savepointCheckpoint);
        assertThat(awaitSavepoint(a, savepointCheckpoint)).isEqualTo(savepoint.get("savepointLocation").asText());
        assertThat(client.stub().getJob(JobIdRequest.newBuilder().setJobId(a).build()).getSummary().getStatus()).as("a savepoint leaves the job running").isEqualTo(JobStatus.RUNNING);

        String stopId = "stop-" + a;
        sendJson(stopId, "{\"commandId\":\"" + stopId + "\",\"stop\":{\"jobId\":\"" + a + "\"}}");
        JsonNode stop = result(stopId, 1);
        assertThat(stop.get("ok").asBoolean()).as(stop.toString()).isTrue();
        assertThat(stop.get("checkpointId").asLong()).isGreaterThan(savepointCheckpoint);
        assertThat(awaitSavepoint(a, stop.get("checkpointId").asLong())).isEqualTo(stop.get("savepointLocation").asText());
        JobDetails stopped = client.awaitTerminal(a, Duration.ofSeconds(90));
        assertThat(stopped.getSummary().getStatus()).as(stopped.getFailureCause()).isEqualTo(JobStatus.FINISHED);

        String cancelId = "cancel-" + b;
        sendJson(cancelId, "{\"commandId\":\"" + cancelId + "\",\"cancel\":{\"jobId\":\"" + b + "\"}}");
        JsonNode cancel = result(cancelId, 1);
        assertThat(cancel.get("ok").asBoolean()).as(cancel.toString()).isTrue();
        assertThat(cancel.get("jobId").asText()).isEqualTo(b);
        assertThat(client.awaitTerminal(b, Duration.ofSeconds(90)).getSummary().getStatus()).isEqualTo(JobStatus.CANCELED);
    }

    private String submitRunningByCommand(String in, String out) throws Exception {
        String id = "submit-" + out;
        sendJson(id, "{\"commandId\":\"" + id + "\",\"submit\":{\"artifactUri\":\"" + artifactUri + "\",\"entryClass\":\""
                + CountJob.EXAMPLE_CLASS + "\",\"parallelism\":1,\"args\":[\"--in\",\"" + in + "\",\"--out\",\"" + out
                + "\",\"--checkpoint-ms\",\"500\",\"--records-per-second\",\"100\"]}}");
        JsonNode submitted = result(id, 1);
        assertThat(submitted.get("ok").asBoolean()).as(submitted.toString()).isTrue();
        return submitted.get("jobId").asText();
    }

    /** Polls the savepoint until it is no longer in progress; it must have completed. Returns its location. */
    private String awaitSavepoint(String jobId, long checkpointId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            SavepointStatus status = client.stub().getSavepointStatus(SavepointStatusRequest.newBuilder().setJobId(jobId)
                    .setCheckpointId(checkpointId).build());
            if (status.getStatus() != CheckpointStatus.CHECKPOINT_IN_PROGRESS) {
                assertThat(status.getStatus()).as(status.getFailureCause()).isEqualTo(CheckpointStatus.CHECKPOINT_COMPLETED);
                return status.getLocation();
            }
            assertThat(System.nanoTime()).as("savepoint " + checkpointId + " of job " + jobId + " still in progress").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** The first result for {@code key}, read as protobuf bytes with a plain consumer of its own. */
    private CommandResult binaryResult(String key) throws Exception {
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor("flowmesh.command-results").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(300))) {
                    if (key.equals(r.key())) {
                        return CommandResult.parseFrom(r.value());
                    }
                }
            }
        }
        throw new AssertionError("no result for " + key);
    }

    @Test
    @Order(5)
    void aCommandDeliveredAgainAfterADispatcherRestartIsNotExecutedAgain() throws Exception {
        Set<String> jobsBefore = allJobIds();
        String id = "restart-submit-" + UUID.randomUUID();
        sendJson(id, submitJson(id, UUID.randomUUID().toString().substring(0, 8)));
        JsonNode first = result(id, 1);
        assertThat(first.get("ok").asBoolean()).as(first.toString()).isTrue();
        String jobId = first.get("jobId").asText();

        cluster.kill9("dispatcher");
        cluster.restart("dispatcher");
        client.close();
        client = new DispatcherClient(cluster.dispatcher());

        sendJson(id, submitJson(id, "again"));
        JsonNode second = result(id, 2);
        assertThat(second.get("duplicate").asBoolean()).as(second.toString()).isTrue();
        assertThat(second.get("jobId").asText()).isEqualTo(jobId);
        client.awaitTerminal(jobId, Duration.ofSeconds(90));
        Set<String> newJobs = allJobIds();
        newJobs.removeAll(jobsBefore);
        assertThat(newJobs).containsExactly(jobId);
        String metrics = metrics();
        // 1, or 2 when the kill came before the first delivery's offset was committed (it is then answered again)
        assertThat(sample(metrics, "flowmesh_dispatcher_commands_total{operation=\"submit\",outcome=\"duplicate\"}")).isBetween(1.0, 2.0);
        assertThat(sample(metrics, "flowmesh_dispatcher_commands_total{operation=\"submit\",outcome=\"ok\"}")).isEqualTo(0.0);
    }

    // ---- the CLI ----

    private record Cli(int exitCode, String stdout, String stderr) { }

    private Cli cli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                cluster.home.resolve("cli/target/flowmesh-cli.jar").toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("flowmesh-cli", ".out");
        Path err = Files.createTempFile("flowmesh-cli", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("FLOWMESH_TOKEN");
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("CLI " + List.of(args) + " did not finish within 120 s");
            }
        } finally {
            p.destroyForcibly();
        }
        return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    @Order(6)
    void cliOutputJsonAndExitCodes() throws Exception {
        String d = cluster.dispatcher();
        String jobId = client.submit(artifactUri, EXAMPLE_CLASS, 2, args("cli")).getJobId();
        Cli watch = cli(Map.of(), "--dispatcher", d, "watch", "-o", "json", jobId);
        assertThat(watch.exitCode).as(watch.stderr).isEqualTo(0);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : watch.stdout.strip().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines.get(0).has("jobSubmitted")).isTrue();
        assertThat(lines.get(lines.size() - 1).get("jobStatusChanged").get("status").asText()).isEqualTo("FINISHED");

        Cli info = cli(Map.of(), "--dispatcher", d, "info", "--output", "json", jobId);
        assertThat(info.exitCode).as(info.stderr).isEqualTo(0);
        JsonNode details = JSON.readTree(info.stdout);
        assertThat(details.get("summary").get("status").asText()).isEqualTo("FINISHED");
        int subtasks = 0;
        for (JsonNode v : details.get("vertices")) {
            subtasks += v.get("parallelism").asInt();
        }
        assertThat(details.get("summary").get("taskCounts").get("FINISHED").asInt()).isEqualTo(subtasks);

        Cli list = cli(Map.of(), "--dispatcher", d, "list", "--all", "--json");
        assertThat(list.exitCode).isEqualTo(0);
        List<String> listed = new ArrayList<>();
        JSON.readTree(list.stdout).get("jobs").forEach(j -> listed.add(j.get("jobId").asText()));
        assertThat(listed).contains(jobId);

        Cli overview = cli(Map.of(), "--dispatcher", d, "overview", "-o", "json");
        assertThat(overview.exitCode).isEqualTo(0);
        assertThat(JSON.readTree(overview.stdout).get("slotsTotal").asInt()).isEqualTo(4);

        Cli cancel = cli(Map.of(), "--dispatcher", d, "cancel", "-o", "json", jobId);
        assertThat(cancel.exitCode).isEqualTo(1);
        assertThat(cancel.stdout).isEmpty();
        assertThat(cancel.stderr).isEqualTo("Error: could not cancel job " + jobId + ": job " + jobId + " is already FINISHED; nothing to cancel\n");

        Cli usage = cli(Map.of(), "--dispatcher", d, "list", "--output", "xml");
        assertThat(usage.exitCode).isEqualTo(2);
    }

    // ---- the bearer token: a second dispatcher of the same cluster, with a token ----

    @Test
    @Order(7)
    void withATokenCallsWithoutItAreUnauthenticated() throws Exception {
        int port = TestCluster.freePortBlock(1);
        String jobManager = cluster.state.process("jobmanager").orElseThrow().address(ManagedProcess.GRPC).orElseThrow();
        Path log = cluster.runDir.resolve("logs/dispatcher-with-token.log");
        Files.createDirectories(log.getParent());
        String token = "t0ken-" + UUID.randomUUID();
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-XX:+UseSerialGC",
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Dflowmesh.kafka.bootstrap-servers=" + cluster.kafka(), "-Dflowmesh.s3.endpoint=" + cluster.state.s3Endpoint(),
                "-Dflowmesh.s3.access-key=" + cluster.state.s3AccessKey(), "-Dflowmesh.s3.secret-key=" + cluster.state.s3SecretKey(),
                "-Dflowmesh.s3.bucket=" + cluster.state.bucket(), "-Dflowmesh.dispatcher.jobmanager-address=" + jobManager,
                "-Dflowmesh.dispatcher.commands-enabled=false", "-Dflowmesh.dispatcher.auth-token=" + token,
                "-jar", cluster.home.resolve("dispatcher/target/quarkus-app/quarkus-run.jar").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int ready = 0;
            while (ready != 200) {
                assertThat(p.isAlive()).as("the dispatcher with a token died; see " + log).isTrue();
                assertThat(System.nanoTime()).as("the dispatcher with a token was not ready in 90 s; see " + log).isLessThan(deadline);
                try {
                    ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException e) {
                    ready = 0;
                }
                if (ready != 200) {
                    Thread.sleep(300);
                }
            }
            // health (above) and metrics stay open
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).contains("flowmesh_dispatcher_submissions_total");

            String address = "127.0.0.1:" + port;
            ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
            try {
                var stub = io.flowmesh.proto.DispatcherServiceGrpc.newBlockingStub(channel);
                ListJobsRequest all = ListJobsRequest.newBuilder().setIncludeTerminal(true).build();
                assertUnauthenticated(() -> stub.listJobs(all), "this dispatcher requires a bearer token");
                assertUnauthenticated(() -> withAuthorization(stub, "Bearer wrong").listJobs(all), "is not this dispatcher's");
                assertUnauthenticated(() -> withAuthorization(stub, token).listJobs(all), "expected the form 'Bearer <token>'");
                assertUnauthenticated(() -> reflect(channel, List.of(ServerReflectionRequest.newBuilder().setListServices("").build())),
                        "requires a bearer token");
                // with the token: the same jobs as the other dispatcher (one lifecycle topic)
                Set<String> expected = allJobIds();
                Set<String> listed = new HashSet<>();
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!listed.containsAll(expected) && System.nanoTime() < until) {
                    withAuthorization(stub, "Bearer " + token).listJobs(all).getJobsList().forEach(j -> listed.add(j.getJobId()));
                    Thread.sleep(200);
                }
                assertThat(listed).containsAll(expected);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }

            Cli without = cli(Map.of(), "--dispatcher", address, "list");
            assertThat(without.exitCode).isEqualTo(1);
            assertThat(without.stderr).startsWith("Error: could not list jobs: this dispatcher requires a bearer token");
            Cli with = cli(Map.of("FLOWMESH_TOKEN", token), "--dispatcher", address, "list", "-o", "json");
            assertThat(with.exitCode).as(with.stderr).isEqualTo(0);
            assertThat(JSON.readTree(with.stdout).has("jobs")).isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        }
    }

    private static <S extends io.grpc.stub.AbstractStub<S>> S withAuthorization(S stub, String value) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static void assertUnauthenticated(ThrowingRunnable call, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(String.valueOf(e.getStatus().getDescription())).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(String.valueOf(e.getStatus().getDescription())).contains(messagePart);
        });
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

}
