package io.flowmesh.coordinator;

import io.flowmesh.cluster.storage.S3BlobStore;
import io.flowmesh.proto.AcknowledgeCheckpoint;
import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.DeclineCheckpoint;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobStatusChanged;
import io.flowmesh.proto.JobSubmitted;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.OperatorSubtaskState;
import io.flowmesh.proto.TaskStatusChanged;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
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

/**
 * The test's side of the cluster: it plays the dispatcher, the JobManager and the TaskManagers on
 * the real lifecycle and checkpoints topics ({@code flowmesh.} prefix) and in the real bucket, and
 * records every checkpoint event (from the topic's beginning) for the assertions.
 *
 * <p>The test job: vertex {@code v-source} "Source: numbers" (parallelism 2, operator
 * {@code op-source}) and vertex {@code v-map} "Map -> Sink" (parallelism 1, operators
 * {@code op-map}, stateless {@code op-sink}); max parallelism 128.
 */
final class TestBus implements AutoCloseable {
    static final String LIFECYCLE = "flowmesh.lifecycle";
    static final String CHECKPOINTS = "flowmesh.checkpoints";
    static final String BUCKET = "flowmesh";

    private final KafkaProducer<String, byte[]> producer;
    private final S3BlobStore store;
    private final String bootstrap;
    private final List<CheckpointEvent> seen = new ArrayList<>();
    private Thread reader;
    private volatile boolean reading = true;

    TestBus(String bootstrap, S3BlobStore store) {
        this.bootstrap = bootstrap;
        this.store = store;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    S3BlobStore store() {
        return store;
    }

    /** Starts recording the checkpoints topic from its beginning. */
    TestBus follow() {
        reader = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = c.partitionsFor(CHECKPOINTS).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(parts);
                c.seekToBeginning(parts);
                while (reading) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(50))) {
                        CheckpointEvent e = CheckpointEvent.parseFrom(r.value());
                        if (!e.getJobId().equals(r.key())) {
                            throw new AssertionError("checkpoint event keyed " + r.key() + " for job " + e.getJobId());
                        }
                        synchronized (seen) {
                            seen.add(e);
                            seen.notifyAll();
                        }
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "test-checkpoints-reader");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    /** Every recorded event of the job, in topic order. */
    List<CheckpointEvent> events(String jobId) {
        synchronized (seen) {
            return seen.stream().filter(e -> e.getJobId().equals(jobId)).toList();
        }
    }

    /** Waits for the first recorded event of the job that matches; fails after {@code timeoutMs}. */
    CheckpointEvent await(String jobId, String what, Predicate<CheckpointEvent> p, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (seen) {
            while (true) {
                Optional<CheckpointEvent> e = seen.stream().filter(x -> x.getJobId().equals(jobId)).filter(p).findFirst();
                if (e.isPresent()) {
                    return e.get();
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("no " + what + " for job " + jobId + " within " + timeoutMs + " ms; seen: " + events(jobId));
                }
                seen.wait(left);
            }
        }
    }

    CheckpointEvent awaitTrigger(String jobId, long id) throws InterruptedException {
        return await(jobId, "trigger of " + id, e -> e.hasTrigger() && e.getCheckpointId() == id, 10_000);
    }

    CheckpointEvent awaitCompleted(String jobId, long id) throws InterruptedException {
        return await(jobId, "completion of " + id, e -> e.hasCompleted() && e.getCheckpointId() == id, 10_000);
    }

    CheckpointEvent awaitAbort(String jobId, long id) throws InterruptedException {
        return await(jobId, "abort of " + id, e -> e.hasAbort() && e.getCheckpointId() == id, 10_000);
    }

    // ---- the dispatcher, the JobManager and the TaskManagers ----

    static JobGraph graph(String jobId, Map<String, String> configuration) {
        return JobGraph.newBuilder().setJobId(jobId).setJobName("checkpoint test job")
                .addVertices(JobVertex.newBuilder().setVertexId("v-source").setName("Source: numbers").setParallelism(2).setMaxParallelism(128)
                        .addOperatorIds("op-source").setIsSource(true))
                .addVertices(JobVertex.newBuilder().setVertexId("v-map").setName("Map -> Sink").setParallelism(1).setMaxParallelism(128)
                        .addOperatorIds("op-map").addOperatorIds("op-sink"))
                .putAllConfiguration(configuration).build();
    }

    /** Stores the graph in S3 and publishes JobSubmitted. */
    void submit(String jobId, Map<String, String> configuration) throws Exception {
        String key = "ha/default/jobgraphs/" + jobId + ".pb";
        store.put(key, graph(jobId, configuration).toByteArray());
        lifecycle(LifecycleEvent.newBuilder().setJobId(jobId).setTimestampMs(System.currentTimeMillis()).setReporter("dispatcher")
                .setJobSubmitted(JobSubmitted.newBuilder().setJobName("checkpoint test job").setJobGraphUri("s3://" + BUCKET + "/" + key)).build());
    }

    void jobStatus(String jobId, JobStatus status, int attempt) throws Exception {
        lifecycle(LifecycleEvent.newBuilder().setJobId(jobId).setTimestampMs(System.currentTimeMillis()).setReporter("jobmanager")
                .setJobStatusChanged(JobStatusChanged.newBuilder().setStatus(status).setAttempt(attempt)).build());
    }

    void task(String jobId, String vertexId, int subtask, int attempt, ExecutionState state) throws Exception {
        int parallelism = vertexId.equals("v-source") ? 2 : 1;
        lifecycle(LifecycleEvent.newBuilder().setJobId(jobId).setTimestampMs(System.currentTimeMillis()).setReporter("taskmanager-1")
                .setTaskStatusChanged(TaskStatusChanged.newBuilder().setVertexId(vertexId).setSubtaskIndex(subtask).setParallelism(parallelism)
                        .setAttempt(attempt).setState(state).setTaskmanagerId("taskmanager-1")).build());
    }

    /** The job RUNNING in {@code attempt} with its three subtasks RUNNING. */
    void running(String jobId, int attempt) throws Exception {
        jobStatus(jobId, JobStatus.RUNNING, attempt);
        task(jobId, "v-source", 0, attempt, ExecutionState.EXECUTION_RUNNING);
        task(jobId, "v-source", 1, attempt, ExecutionState.EXECUTION_RUNNING);
        task(jobId, "v-map", 0, attempt, ExecutionState.EXECUTION_RUNNING);
    }

    void lifecycle(LifecycleEvent e) throws Exception {
        producer.send(new ProducerRecord<>(LIFECYCLE, e.getJobId(), e.toByteArray())).get();
    }

    void checkpoint(CheckpointEvent e) throws Exception {
        producer.send(new ProducerRecord<>(CHECKPOINTS, e.getJobId(), e.toByteArray())).get();
    }

    /**
     * A subtask's snapshot: uploads its state file under the location and returns the
     * OperatorSubtaskState (key groups of a keyed operator: the whole range for parallelism 1).
     */
    OperatorSubtaskState upload(String location, String operatorId, int subtask, String content) {
        String uri = location + "/" + operatorId + "-" + subtask + ".state";
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        store.put(store.keyOf(uri).orElseThrow(), bytes);
        boolean keyed = operatorId.equals("op-map");
        return OperatorSubtaskState.newBuilder().setOperatorId(operatorId).setSubtaskIndex(subtask).setUri(uri).setSizeBytes(bytes.length)
                .setKeyGroupStart(keyed ? 0 : -1).setKeyGroupEnd(keyed ? 127 : -1).build();
    }

    void ack(String jobId, long id, int attempt, String vertexId, int subtask, List<OperatorSubtaskState> states) throws Exception {
        checkpoint(CheckpointEvent.newBuilder().setJobId(jobId).setCheckpointId(id).setAttempt(attempt).setTimestampMs(System.currentTimeMillis())
                .setAcknowledge(AcknowledgeCheckpoint.newBuilder().setVertexId(vertexId).setSubtaskIndex(subtask).addAllOperatorStates(states)
                        .setStateSizeBytes(states.stream().mapToLong(OperatorSubtaskState::getSizeBytes).sum()))
                .build());
    }

    void inputEnded(String jobId, int attempt, String vertexId, int subtask) throws Exception {
        checkpoint(CheckpointEvent.newBuilder().setJobId(jobId).setAttempt(attempt).setTimestampMs(System.currentTimeMillis())
                .setInputEnded(io.flowmesh.proto.SourceInputEnded.newBuilder().setVertexId(vertexId).setSubtaskIndex(subtask)).build());
    }

    void decline(String jobId, long id, int attempt, String vertexId, int subtask, String cause) throws Exception {
        checkpoint(CheckpointEvent.newBuilder().setJobId(jobId).setCheckpointId(id).setAttempt(attempt).setTimestampMs(System.currentTimeMillis())
                .setDecline(DeclineCheckpoint.newBuilder().setVertexId(vertexId).setSubtaskIndex(subtask).setCause(cause)).build());
    }

    /** Keys under a location (its files). */
    List<String> files(String location) {
        return store.list(store.keyOf(location + "/").orElseThrow());
    }

    @Override
    public void close() {
        reading = false;
        if (reader != null) {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(2));
        store.close();
    }
}
