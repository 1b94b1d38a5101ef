package io.flowmesh.connector.kafka;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real Kafka for one IT class, started as {@code flowmesh local up} starts it, without the
 * services, on free ports in the class's temporary run dir. The class starts it in
 * {@code @BeforeAll} and closes it in {@code @AfterAll}; closing stops every process the start
 * spawned (also one that failed half-way) and fails if one survived. Needs
 * {@code local/kafka-broker} and {@code local/s3-server} packaged; the repository root comes from
 * the system property {@code flowmesh.home}.
 */
final class LocalKafka implements AutoCloseable {
    /** A base for the record timestamps the tests set: recent, so that no broker limit or retention applies. */
    static final long T0 = System.currentTimeMillis() - 60_000;

    private final Path runDir;
    private final List<Long> pids;
    /** The shutdown hook that stops the cluster if the JVM ends before {@link #close()}. */
    private final Thread stopOnExit;
    private final String bootstrap;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;

    private LocalKafka(Path runDir, List<Long> pids, Thread stopOnExit, String bootstrap) {
        this.runDir = runDir;
        this.pids = pids;
        this.stopOnExit = stopOnExit;
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Starts the cluster in {@code runDir}; on failure, what was spawned is stopped before this throws. */
    static LocalKafka start(Path runDir) throws Exception {
        Path home = Path.of(System.getProperty("flowmesh.home", "../..")).toAbsolutePath().normalize();
        LocalClusterOptions options = LocalClusterOptions.defaults(home).withRunDir(runDir).withStartServices(false).withFreePorts();
        List<Long> pids = new ArrayList<>();
        Thread stopOnExit = null;
        try {
            LocalClusterState state = LocalCluster.up(options, System.out);
            state.processes().forEach(p -> pids.add(p.pid()));
            stopOnExit = LocalCluster.stopOnExit(state); // if the JVM ends before @AfterAll
            return new LocalKafka(runDir, pids, stopOnExit, state.kafkaBootstrap());
        } catch (Throwable e) {
            try {
                // whatever a start that failed half-way spawned is recorded in the run dir
                LocalClusterState.read(runDir).ifPresent(s -> s.processes().forEach(p -> pids.add(p.pid())));
                stop(runDir, pids, stopOnExit);
            } catch (Throwable suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    Admin admin() {
        return admin;
    }

    /** A shared non-transactional producer, {@code acks=all}. */
    KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    /** Creates the topic and waits until each partition has a leader ({@link KafkaTopicLeaders}). */
    void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        KafkaTopicLeaders.await(admin, List.of(topic), Duration.ofSeconds(30));
    }

    /** Produces one record without a key and waits until it is written. */
    RecordMetadata produce(String topic, int partition, long timestamp, String value) throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition, timestamp, null, value.getBytes(US_ASCII))).get();
    }

    /**
     * Produces the values, without keys, to one partition in this order, the i-th with timestamp
     * {@code firstTimestamp + i}, and waits until all are written.
     */
    List<RecordMetadata> produce(String topic, int partition, long firstTimestamp, List<String> values) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            sent.add(producer.send(new ProducerRecord<>(topic, partition, firstTimestamp + i, null, values.get(i).getBytes(US_ASCII))));
        }
        List<RecordMetadata> written = new ArrayList<>(sent.size());
        for (Future<RecordMetadata> f : sent) {
            written.add(f.get());
        }
        return written;
    }

    @Override
    public void close() {
        try {
            producer.close(Duration.ofSeconds(5));
            admin.close(Duration.ofSeconds(5));
        } finally {
            stop(runDir, pids, stopOnExit);
            if (pids.isEmpty()) {
                throw new AssertionError("no process of the cluster in " + runDir + " was recorded");
            }
        }
    }

    /** Stops the cluster, then kills any of {@code pids} still alive; fails if one was. */
    private static void stop(Path runDir, List<Long> pids, Thread stopOnExit) {
        if (stopOnExit != null) {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
        LocalCluster.down(runDir, System.out);
        List<Long> survivors = new ArrayList<>();
        for (long pid : pids) {
            Optional<ProcessHandle> alive = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            alive.ifPresent(ProcessHandle::destroyForcibly); // never leave a JVM behind, even on a bug in down
            alive.ifPresent(p -> survivors.add(pid));
        }
        if (!survivors.isEmpty()) {
            throw new AssertionError("processes that survived LocalCluster.down: " + survivors);
        }
    }
}
