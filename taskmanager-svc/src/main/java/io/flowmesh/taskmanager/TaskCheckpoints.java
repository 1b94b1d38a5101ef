package io.flowmesh.taskmanager;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.engine.checkpoint.CheckpointBarrier;
import io.flowmesh.engine.checkpoint.CheckpointResponder;
import io.flowmesh.engine.checkpoint.CheckpointTimings;
import io.flowmesh.engine.checkpoint.StateStorage;
import io.flowmesh.engine.task.StreamTask;
import io.flowmesh.proto.AcknowledgeCheckpoint;
import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.CheckpointingMode;
import io.flowmesh.proto.DeclineCheckpoint;
import io.flowmesh.proto.OperatorSubtaskState;
import io.flowmesh.proto.SourceInputEnded;
import io.flowmesh.proto.TaskDeploymentDescriptor;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * The TaskManager's side of the checkpoint protocol: follows the checkpoints topic from its end
 * and hands triggers to the source subtasks of the named job attempt, completions and aborts to
 * all its subtasks; publishes their acknowledgements and declines; stores their state files in
 * S3, uploaded on a small pool of upload threads.
 */
@Singleton
public class TaskCheckpoints {
    private static final Logger LOG = Logger.getLogger(TaskCheckpoints.class);

    @Inject
    KafkaConfig kafka;

    @Inject
    Topics topics;

    @Inject
    BlobStore blobStore;

    @Inject
    TaskManagerConfig config;

    /** Runs completions late when {@code fault-injection.checkpoint-complete-delay} is set. */
    private final java.util.concurrent.ScheduledExecutorService delayedCompletions = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "taskmanager-delayed-completions");
        t.setDaemon(true);
        return t;
    });

    private final ExecutorService uploads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "taskmanager-state-upload");
        t.setDaemon(true);
        return t;
    });
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread follower;
    private volatile boolean running = true;
    private String taskManagerId;

    /** Starts following the checkpoints topic; {@code tasks} are the subtasks running here. */
    public void start(String taskManagerId, Supplier<Collection<StreamTask>> tasks) {
        this.taskManagerId = taskManagerId;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "flowmesh-" + taskManagerId + "-checkpoints");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowmesh-" + taskManagerId + "-checkpoint-follower");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        follower = new Thread(() -> follow(tasks), "taskmanager-checkpoint-follower");
        follower.setDaemon(true);
        follower.start();
    }

    void onStop(@Observes ShutdownEvent ev) {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        uploads.shutdown();
        delayedCompletions.shutdownNow();
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void follow(Supplier<Collection<StreamTask>> tasks) {
        try {
            List<TopicPartition> partitions = null;
            while (running && partitions == null) {
                try {
                    var infos = consumer.partitionsFor(topics.checkpoints(), Duration.ofSeconds(5));
                    if (infos != null && !infos.isEmpty()) {
                        partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.warnf("waiting for Kafka topic %s: %s", topics.checkpoints(), e.getMessage());
                }
            }
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions); // only what is triggered from now on concerns the subtasks here
            partitions.forEach(consumer::position);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        dispatch(CheckpointEvent.parseFrom(r.value()), tasks.get());
                    } catch (InvalidProtocolBufferException e) {
                        LOG.warnf("skipping a malformed checkpoint event at %s-%d@%d", r.topic(), r.partition(), r.offset());
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "handling the checkpoint event at %s-%d@%d failed", r.topic(), r.partition(), r.offset());
                    }
                }
            }
        } catch (WakeupException e) {
            // stopping
        } finally {
            consumer.close();
        }
    }

    private void dispatch(CheckpointEvent e, Collection<StreamTask> tasks) {
        for (StreamTask task : tasks) {
            TaskDeploymentDescriptor tdd = task.descriptor();
            if (!tdd.getJobId().equals(e.getJobId()) || tdd.getAttempt() != e.getAttempt()) {
                continue;
            }
            switch (e.getEventCase()) {
                case TRIGGER -> {
                    if (task.isSourceTask()) {
                        task.triggerCheckpoint(new CheckpointBarrier(e.getCheckpointId(), e.getTimestampMs(), e.getTrigger().getType(),
                                e.getTrigger().getTargetLocation(), e.getTrigger().getMode() != CheckpointingMode.AT_LEAST_ONCE));
                    }
                }
                case COMPLETED -> {
                    Duration delay = config.faultInjection().checkpointCompleteDelay();
                    boolean endOfInput = e.getCompleted().getEndOfInput();
                    if (delay.isZero()) {
                        task.notifyCheckpointComplete(e.getCheckpointId(), endOfInput);
                    } else {
                        delayedCompletions.schedule(() -> task.notifyCheckpointComplete(e.getCheckpointId(), endOfInput), delay.toMillis(),
                                java.util.concurrent.TimeUnit.MILLISECONDS);
                    }
                }
                case ABORT -> task.notifyCheckpointAborted(e.getCheckpointId());
                default -> {
                    // acknowledgements and declines are for the coordinator
                }
            }
        }
    }

    /** Enables checkpoints on a subtask about to start here. */
    public StreamTask enable(StreamTask task) {
        return task.withCheckpointing(storage, responder(task.descriptor()), uploads);
    }

    private final StateStorage storage = new StateStorage() {
        @Override
        public void write(String uri, byte[] bytes) {
            blobStore.put(key(uri), bytes);
        }

        @Override
        public byte[] read(String uri) throws IOException {
            return blobStore.get(key(uri)).orElseThrow(() -> new IOException("state file " + uri + " does not exist"));
        }

        private String key(String uri) {
            return blobStore.keyOf(uri).orElseThrow(() -> new IllegalArgumentException(
                    "state location " + uri + " is not in the cluster's bucket s3://" + blobStore.bucket()));
        }
    };

    private CheckpointResponder responder(TaskDeploymentDescriptor tdd) {
        return new CheckpointResponder() {
            @Override
            public void acknowledge(long checkpointId, List<OperatorSubtaskState> states, long sizeBytes, CheckpointTimings timings,
                    boolean endOfInput) {
                Duration delay = config.faultInjection().stateUploadDelay();
                if (!delay.isZero() && !states.isEmpty()) {
                    // on the upload thread, once per state file as when every file was uploaded: inline ones "upload" with the ack
                    try {
                        Thread.sleep(delay.toMillis() * states.size());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                publish(event(checkpointId).setAcknowledge(AcknowledgeCheckpoint.newBuilder().setVertexId(tdd.getVertexId())
                        .setSubtaskIndex(tdd.getSubtaskIndex()).addAllOperatorStates(states).setStateSizeBytes(sizeBytes)
                        .setSyncDurationMs(timings.syncMillis()).setAsyncDurationMs(timings.asyncMillis())
                        .setStartDelayMs(timings.startDelayMillis()).setAlignmentDurationMs(timings.alignmentMillis())
                        .setSource(tdd.getInputsCount() == 0).setEndOfInput(endOfInput)).build());
            }

            @Override
            public void decline(long checkpointId, Throwable cause) {
                LOG.warnf("%s (%d/%d) declines checkpoint %d: %s", tdd.getVertexName(), tdd.getSubtaskIndex() + 1, tdd.getParallelism(), checkpointId,
                        LifecycleEvents.describe(cause));
                publish(event(checkpointId).setDecline(DeclineCheckpoint.newBuilder().setVertexId(tdd.getVertexId())
                        .setSubtaskIndex(tdd.getSubtaskIndex()).setCause(LifecycleEvents.describe(cause))).build());
            }

            @Override
            public void inputEnded() {
                publish(event(0).setInputEnded(SourceInputEnded.newBuilder().setVertexId(tdd.getVertexId())
                        .setSubtaskIndex(tdd.getSubtaskIndex())).build());
            }

            private CheckpointEvent.Builder event(long checkpointId) {
                return CheckpointEvent.newBuilder().setJobId(tdd.getJobId()).setCheckpointId(checkpointId).setAttempt(tdd.getAttempt())
                        .setTimestampMs(System.currentTimeMillis());
            }
        };
    }

    private void publish(CheckpointEvent e) {
        producer.send(new ProducerRecord<>(topics.checkpoints(), e.getJobId(), e.toByteArray()), (m, ex) -> {
            if (ex != null) {
                LOG.errorf("%s could not publish %s of checkpoint %d of job %s: %s", taskManagerId, e.getEventCase(), e.getCheckpointId(), e.getJobId(),
                        ex.getMessage());
            }
        });
    }
}
