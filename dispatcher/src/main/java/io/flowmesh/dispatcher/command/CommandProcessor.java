package io.flowmesh.dispatcher.command;

import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.dispatcher.DispatcherConfig;
import io.flowmesh.dispatcher.DispatcherMetrics;
import io.flowmesh.dispatcher.command.CommandCodec.Decoded;
import io.flowmesh.dispatcher.command.CommandCodec.Format;
import io.flowmesh.dispatcher.command.CommandCodec.MalformedCommandException;
import io.flowmesh.dispatcher.ha.DispatcherLeadership;
import io.flowmesh.proto.Command;
import io.flowmesh.proto.CommandResult;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
 * The command topic: reads {@code <prefix>commands} on a thread of its own, executes each command
 * id once through {@link CommandExecutor}, and publishes a {@link CommandResult} keyed by command id
 * to {@code <prefix>command-results}, in the command's format ({@link CommandCodec}).
 *
 * <p>Exactly once per command id, also across a restart: before reading any command, the
 * processor reads the (compacted) results topic from its beginning to its end and remembers every
 * answered id with its result; a repeated id is answered with that result and {@code duplicate=true}
 * and not executed. A command's offset is committed (consumer group
 * {@link DispatcherConfig#commandsGroupId()}, partitions assigned, not subscribed: no rebalance waits)
 * only after its result is written, so a restart reads again at most the commands whose results were
 * not yet written; the one window left is a crash after a command ran and before its result was
 * written, where the command runs again after the restart.
 *
 * <p>A malformed value, a command without an operation (or with one this version does not know) or
 * without an id, and a command the cluster refuses get an error result; none stops the consumer and
 * none is retried. A result that cannot be written (Kafka down) is retried from the first
 * uncommitted command, without executing anything again.
 *
 * <p>With high availability only the leading dispatcher reads the topic ({@link DispatcherLeadership}):
 * each grant starts a fresh session (results rebuilt, reading from the group's committed offsets,
 * which the previous leader committed after each result), each revocation ends it; before every
 * command the session checks that this dispatcher still leads with the epoch it was granted, so a
 * deposed (paused) leader executes nothing after its lease ran out. Ids stay answered once across a
 * failover with the same one window as a restart (a leader that died after running a command and
 * before writing its result); for a submission even that window is closed, as its job id is derived
 * from the command id ({@link CommandExecutor}) and a resubmission of a known job id is not run again.
 */
@Singleton
public class CommandProcessor {
    private static final Logger LOG = Logger.getLogger(CommandProcessor.class);

    @Inject
    DispatcherConfig config;

    @Inject
    KafkaConfig kafka;

    @Inject
    Topics topics;

    @Inject
    CommandExecutor executor;

    @Inject
    DispatcherMetrics metrics;

    @Inject
    DispatcherLeadership leadership;

    /** Every command id answered, with its (first) result. Written by the processor thread only. */
    private final Map<String, CommandResult> answered = new ConcurrentHashMap<>();
    /** Ids whose result is in {@link #answered} but not yet written to the topic. */
    private final Set<String> unwritten = new HashSet<>();
    private volatile boolean running;
    private volatile boolean ready;
    /** The epoch of the current session: the leadership it reads commands under. */
    private volatile long epoch;
    private Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** Starts and stops sessions, one at a time, off the election's thread. */
    private final ExecutorService sessions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flowmesh-commands-sessions");
        t.setDaemon(true);
        return t;
    });

    void onStart(@Observes StartupEvent ev) {
        if (!config.commandsEnabled()) {
            LOG.info("the command topic is disabled (flowmesh.dispatcher.commands-enabled=false)");
            return;
        }
        if (!leadership.enabled()) {
            startSession(1);
            return;
        }
        leadership.addListener(new DispatcherLeadership.Listener() {
            @Override
            public void granted(long granted) {
                onSessionThread(() -> {
                    stopSession();
                    startSession(granted);
                });
            }

            @Override
            public void revoked() {
                onSessionThread(CommandProcessor.this::stopSession);
            }
        });
    }

    /** Runs the task on the sessions' thread; nothing once the dispatcher shuts down (onStop ends the session itself). */
    private void onSessionThread(Runnable task) {
        try {
            sessions.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down: the election releases the lease after onStop stopped the session
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        sessions.shutdownNow();
        stopSession();
    }

    /** A fresh session under {@code granted}: the answered ids are rebuilt from the results topic. */
    private synchronized void startSession(long granted) {
        epoch = granted;
        answered.clear();
        unwritten.clear();
        ready = false;
        running = true;
        thread = new Thread(this::run, "flowmesh-commands");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized void stopSession() {
        running = false;
        ready = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    /** Whether the answered ids are rebuilt and commands are being read. */
    public boolean ready() {
        return ready;
    }

    private void run() {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
            List<TopicPartition> results = partitions(topics.commandResults());
            List<TopicPartition> commands = partitions(topics.commands());
            if (!running) {
                return;
            }
            rebuildAnswered(results);
            Properties cp = new Properties();
            cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            cp.put(ConsumerConfig.GROUP_ID_CONFIG, config.commandsGroupId());
            cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
            consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer());
            try {
                consumer.assign(commands);
                ready = true;
                LOG.infof("reading commands from %s (%d ids answered before)", topics.commands(), answered.size());
                while (running) {
                    try {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                            if (!leadership.hasLeadership(epoch)) {
                                // fenced: the lease ran out (a pause, or S3 unreachable); the next leader reads from the committed offset
                                LOG.warnf("no longer leading with epoch %d: stopped reading commands before %s-%d@%d", epoch, record.topic(),
                                        record.partition(), record.offset());
                                running = false;
                                break;
                            }
                            if (!handle(record, producer)) {
                                rewind();
                                break;
                            }
                        }
                    } catch (WakeupException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        // Kafka trouble (a commit or a poll failed): read again from the first uncommitted
                        // command; answered ones are answered again, not executed again
                        LOG.warnf("command topic: %s; reading again from the last committed offsets", e.toString());
                        rewindUntilDone();
                    }
                }
            } finally {
                consumer.close(Duration.ofSeconds(5));
                consumer = null;
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("the command topic consumer stopped", e);
            }
        }
    }

    /** The topic's partitions, once the topic exists (waits, while running). */
    private List<TopicPartition> partitions(String topic) {
        try (KafkaConsumer<String, byte[]> probe = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            while (running) {
                try {
                    var infos = probe.partitionsFor(topic, Duration.ofSeconds(5));
                    if (infos != null && !infos.isEmpty()) {
                        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.warnf("waiting for Kafka topic %s: %s", topic, e.getMessage());
                }
                sleep(500);
            }
        }
        return List.of();
    }

    /** Reads the results topic from its beginning to its end as of now. */
    private void rebuildAnswered(List<TopicPartition> partitions) {
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer())) {
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions, Duration.ofSeconds(30));
            while (running && partitions.stream().anyMatch(p -> reader.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(500))) {
                    CommandCodec.decodeResult(r.value()).filter(res -> !res.getCommandId().isEmpty() && !res.getDuplicate())
                            .ifPresent(res -> answered.putIfAbsent(res.getCommandId(), res));
                }
            }
        }
    }

    /** Seeks every partition back to its committed offset: the first command whose result is not written. */
    private void rewind() {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(consumer.assignment());
        for (TopicPartition p : consumer.assignment()) {
            OffsetAndMetadata o = committed.get(p);
            if (o == null) {
                consumer.seekToBeginning(List.of(p));
            } else {
                consumer.seek(p, o.offset());
            }
        }
        sleep(1000);
    }

    /** {@link #rewind()}, again every second until Kafka answers (or the processor stops). */
    private void rewindUntilDone() {
        while (running) {
            try {
                rewind();
                return;
            } catch (WakeupException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.warnf("command topic: cannot read the committed offsets (%s); trying again", e.toString());
                sleep(1000);
            }
        }
    }

    /** Answers one record; false when its result could not be written (nothing committed then). */
    private boolean handle(ConsumerRecord<String, byte[]> record, KafkaProducer<String, byte[]> producer) {
        Answer answer = answer(record);
        String key = answer.result().getCommandId().isEmpty() ? (record.key() == null ? "" : record.key()) : answer.result().getCommandId();
        try {
            producer.send(new ProducerRecord<>(topics.commandResults(), key, CommandCodec.encode(answer.result(), answer.format())))
                    .get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warnf("cannot write the result of command '%s' to %s (will retry): %s", key, topics.commandResults(), e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return false;
        }
        unwritten.remove(answer.result().getCommandId());
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(record.offset() + 1)));
        return true;
    }

    private record Answer(CommandResult result, Format format) { }

    private Answer answer(ConsumerRecord<String, byte[]> record) {
        Decoded decoded;
        try {
            decoded = CommandCodec.decode(record.value());
        } catch (MalformedCommandException e) {
            String id = e.commandId();
            LOG.warnf("malformed command at %s-%d@%d (key '%s'): %s", record.topic(), record.partition(), record.offset(), record.key(),
                    e.getMessage());
            if (!id.isEmpty() && answered.containsKey(id)) {
                return duplicate(id, "unknown", e.format());
            }
            CommandResult result = CommandExecutor.error(id.isEmpty() && record.key() != null ? record.key() : id, "unknown",
                    "INVALID_ARGUMENT", e.getMessage());
            metrics.command("unknown", "error");
            if (!id.isEmpty()) {
                remember(result);
            }
            return new Answer(result, e.format());
        }
        Command command = decoded.command();
        String operation = CommandExecutor.operation(command);
        String id = command.getCommandId();
        if (id.isEmpty()) {
            metrics.command(operation, "error");
            return new Answer(CommandExecutor.error(record.key() == null ? "" : record.key(), operation, "INVALID_ARGUMENT",
                    "the command has no command_id (commandId in JSON): every command needs a client-chosen id"), decoded.format());
        }
        if (answered.containsKey(id)) {
            return duplicate(id, operation, decoded.format());
        }
        CommandResult result = executor.execute(command);
        metrics.command(operation, result.getOk() ? "ok" : "error");
        LOG.infof("command %s (%s): %s", id, operation, result.getOk() ? "ok" : result.getError());
        remember(result);
        return new Answer(result, decoded.format());
    }

    private void remember(CommandResult result) {
        answered.put(result.getCommandId(), result);
        unwritten.add(result.getCommandId());
    }

    /** The first result again; or, when that was never written (a retry after Kafka failed), that result as it is. */
    private Answer duplicate(String id, String operation, Format format) {
        CommandResult first = answered.get(id);
        if (unwritten.contains(id)) {
            return new Answer(first, format);
        }
        metrics.command(operation, "duplicate");
        return new Answer(first.toBuilder().setDuplicate(true).build(), format);
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** For tests and diagnostics: how many command ids are answered. */
    public int answeredCount() {
        return answered.size();
    }
}
