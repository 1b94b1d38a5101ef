package io.flowmesh.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Starts Kafka and the S3 server as {@code flowmesh local up} does (no services), on free ports in
 * a temporary run dir, uses both as the services will, and stops them. Needs
 * {@code local/kafka-broker} and {@code local/s3-server} packaged (the reactor builds them first);
 * the repository root comes from the system property {@code flowmesh.home}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaAndS3IT {

    @TempDir
    static Path runDir;
    private static LocalClusterOptions options;
    private static LocalClusterState state;
    private static final List<Long> pids = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        Path home = Path.of(System.getProperty("flowmesh.home", "../..")).toAbsolutePath().normalize();
        options = LocalClusterOptions.defaults(home).withRunDir(runDir).withStartServices(false)
                .withFreePorts();
        try {
            state = LocalCluster.up(options, System.out);
        } finally {
            // whatever was spawned, even by a start that failed half-way, is stopped in @AfterAll
            LocalClusterState.read(runDir).ifPresent(s -> s.processes().forEach(p -> pids.add(p.pid())));
            if (state != null) {
                state.processes().forEach(p -> pids.add(p.pid()));
            }
        }
    }

    @AfterAll
    static void down() {
        LocalCluster.down(runDir, System.out);
        for (long pid : pids) {
            Optional<ProcessHandle> alive = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            alive.ifPresent(ProcessHandle::destroyForcibly); // never leave a JVM behind, even on a bug in down
            assertFalse(alive.isPresent(), "pid " + pid + " survived LocalCluster.down");
        }
        assertFalse(Files.exists(runDir.resolve("cluster.json")));
    }

    @Test
    @Order(1)
    void stateIsRecordedAndAlive() {
        assertEquals(List.of("kafka", "s3"), state.processes().stream().map(ManagedProcess::role).toList());
        assertEquals(2, pids.stream().distinct().count());
        LocalClusterState status = LocalCluster.status(runDir).orElseThrow();
        assertEquals(state, status);
        assertTrue(status.deadProcesses().isEmpty());
        assertTrue(Files.exists(runDir.resolve("logs/kafka.log")));
        assertTrue(state.process("s3").orElseThrow().address(ManagedProcess.S3).orElseThrow().startsWith("127.0.0.1:"));
    }

    @Test
    @Order(2)
    void secondUpReturnsTheRunningCluster() throws Exception {
        LocalClusterOptions same = LocalClusterOptions.defaults(Path.of(System.getProperty("flowmesh.home", "../..")))
                .withRunDir(runDir).withStartServices(false);
        LocalClusterState again = LocalCluster.up(same, System.out);
        assertEquals(state, again);
    }

    @Test
    @Order(3)
    void kafkaTakesAndGivesBackARecord() {
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, state.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            producer.send(new ProducerRecord<>("it-topic", "key", "hello flowmesh")).get();
        } catch (Exception e) {
            throw new AssertionError("produce failed", e);
        }
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, state.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(List.of("it-topic"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        assertEquals(List.of("hello flowmesh"), values);
    }

    private static S3Client s3() {
        return S3Client.builder()
                .endpointOverride(URI.create(state.s3Endpoint()))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(state.s3AccessKey(), state.s3SecretKey())))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Test
    @Order(4)
    void s3StoresAndReturnsAnObjectInTheBucket() {
        try (S3Client s3 = s3()) {
            // the launcher created the bucket already
            assertTrue(s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(state.bucket())));
            s3.putObject(b -> b.bucket(state.bucket()).key("it/hello.txt"),
                    RequestBody.fromString("hello s3", StandardCharsets.UTF_8));
            String back = s3.getObjectAsBytes(b -> b.bucket(state.bucket()).key("it/hello.txt")).asUtf8String();
            assertEquals("hello s3", back);
        }
        assertTrue(Files.isRegularFile(runDir.resolve("s3/data/flowmesh/it/hello.txt")));
    }

    @Test
    @Order(5)
    void s3KilledAndRestartedKeepsItsPortAndObjects() throws Exception {
        long old = state.process("s3").orElseThrow().pid();
        assertTrue(new ProcessBuilder("kill", "-9", Long.toString(old)).start().waitFor() == 0);
        ProcessHandle.of(old).ifPresent(h -> h.onExit().join());

        ManagedProcess again = LocalCluster.restartService(options, "s3", System.out);
        pids.add(again.pid());
        assertTrue(again.pid() != old);
        assertEquals(state.process("s3").orElseThrow().addresses(), again.addresses());
        assertEquals(again, LocalCluster.status(runDir).orElseThrow().process("s3").orElseThrow());
        try (S3Client s3 = s3()) {
            assertEquals("hello s3", s3.getObjectAsBytes(b -> b.bucket(state.bucket()).key("it/hello.txt")).asUtf8String());
        }
        LocalClusterException running = org.junit.jupiter.api.Assertions.assertThrows(LocalClusterException.class,
                () -> LocalCluster.restartService(options, "s3", System.out));
        assertEquals("s3 (pid " + again.pid() + ") is still running", running.getMessage());
    }

    @Test
    @Order(6)
    void downStopsBothAndIsIdempotent() throws IOException {
        LocalCluster.down(runDir, System.out);
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " alive");
        }
        assertTrue(LocalCluster.status(runDir).isEmpty());
        assertTrue(Files.exists(runDir.resolve("logs/kafka.log")), "logs are kept");
        LocalCluster.down(runDir, System.out);
        assertSame(Optional.empty(), LocalClusterState.read(runDir));
    }
}
