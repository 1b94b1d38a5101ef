package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.LifecycleEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Exactly-once through a {@code kill -9}: the Kafka-to-Kafka count (W4's shape, throttled so that
 * it runs for several seconds) on a real cluster; once a checkpoint completed, a TaskManager is
 * killed and started again; the job restarts from its latest checkpoint and finishes. A
 * {@code read_committed} consumer then sees, record by record, exactly the counts 1..n_k of every
 * key once — nothing lost, nothing twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointRecoveryIT {
    private static final String EXAMPLE_CLASS = "io.flowmesh.examples.ExactlyOnceCountExample";
    private static final int RECORDS = 40_000;
    private static final int KEYS = 100;

    private TestCluster cluster;
    private DispatcherClient client;
    private Path examplesJar;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start("checkpoint-recovery-it");
        client = new DispatcherClient(cluster.dispatcher());
        examplesJar = cluster.home.resolve("examples/target/flowmesh-examples.jar");
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

    static String key(int i) {
        return Integer.toString((i * 31 + 7) % KEYS);
    }

    /** Creates the topics (4 partitions) and writes the input records, key(i) → i. */
    private void prepare(String in, String out) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka()))) {
            admin.createTopics(List.of(new NewTopic(in, 4, (short) 1), new NewTopic(out, 4, (short) 1))).all().get();
            // KRaft acknowledges the creation before the broker applied it: wait for the leaders
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!led(admin, List.of(in, out))) {
                assertThat(System.nanoTime()).as("partition leaders of " + in + " and " + out).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                sent.add(producer.send(new ProducerRecord<>(in, key(i).getBytes(StandardCharsets.US_ASCII),
                        Integer.toString(i).getBytes(StandardCharsets.US_ASCII))));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    private static boolean led(Admin admin, List<String> topics) throws Exception {
        try {
            return admin.describeTopics(topics).allTopicNames().get().values().stream().flatMap(d -> d.partitions().stream())
                    .allMatch(part -> part.leader() != null && !part.leader().isEmpty());
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false; // the broker has not applied the creation yet
            }
            throw e;
        }
    }

    /** For each key with n records: the counts 1..n, as "key=count", sorted. */
    private static List<String> expectedOutput() {
        Map<String, Integer> perKey = new HashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            perKey.merge(key(i), 1, Integer::sum);
        }
        List<String> expected = new ArrayList<>();
        perKey.forEach((k, n) -> {
            for (int c = 1; c <= n; c++) {
                expected.add(k + "=" + c);
            }
        });
        expected.sort(null);
        return expected;
    }

    private List<String> committedOutput(String out) {
        List<String> actual = new ArrayList<>(Topics.readAll(cluster.kafka(), out, RECORDS + 1, Duration.ofSeconds(5),
                r -> Topics.text(r.key()) + "=" + Topics.text(r.value())));
        actual.sort(null);
        return actual;
    }

    /** Waits until a checkpoint of the job completed (its event on the checkpoints topic). */
    private void awaitCompletedCheckpoint(String jobId, Duration timeout) {
        List<CheckpointEvent> completed = Topics.readUntil(cluster.kafka(), "flowmesh.checkpoints", timeout, r -> {
            try {
                CheckpointEvent e = CheckpointEvent.parseFrom(r.value());
                return e.getJobId().equals(jobId) && e.hasCompleted() ? e : null;
            } catch (Exception ex) {
                return null;
            }
        });
        assertThat(completed).as("a checkpoint of job " + jobId + " completed within " + timeout).isNotEmpty();
    }

    @Test
    void aKilledTaskManagerLosesAndDuplicatesNothing() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String in = "eo-in-" + suffix;
        String out = "eo-out-" + suffix;
        prepare(in, out);
        Artifact artifact = client.upload(examplesJar);
        // 2 source subtasks at 4,000 records/s each: ~5 s of input; checkpoints every 500 ms
        String jobId = client.submit(artifact.getUri(), EXAMPLE_CLASS, 2, List.of("--in", in, "--out", out, "--checkpoint-ms", "500",
                "--records-per-second", "4000")).getJobId();
        client.awaitStatus(jobId, JobStatus.RUNNING, Duration.ofSeconds(60));
        awaitCompletedCheckpoint(jobId, Duration.ofSeconds(30));

        cluster.kill9("taskmanager-2");
        cluster.restart("taskmanager-2");

        JobDetails done = client.awaitTerminal(jobId, Duration.ofSeconds(120));
        assertThat(done.getSummary().getStatus()).as(done.getFailureCause()).isEqualTo(JobStatus.FINISHED);
        List<LifecycleEvent> restarts = Topics.readAll(cluster.kafka(), "flowmesh.lifecycle", Integer.MAX_VALUE, Duration.ofSeconds(2), r -> {
            try {
                LifecycleEvent e = LifecycleEvent.parseFrom(r.value());
                return e.getJobId().equals(jobId) && e.hasJobStatusChanged() && e.getJobStatusChanged().getStatus() == JobStatus.RESTARTING ? e : null;
            } catch (Exception ex) {
                return null;
            }
        }).stream().filter(e -> e != null).toList();
        assertThat(restarts).as("the job restarted after the kill").isNotEmpty();

        List<String> actual = committedOutput(out);
        List<String> expected = expectedOutput();
        Set<String> distinct = new HashSet<>(actual);
        assertThat(distinct).as("no (key, count) twice").hasSameSizeAs(actual);
        assertThat(actual).as("exactly the counts 1..n_k of every key").isEqualTo(expected);
    }
}
