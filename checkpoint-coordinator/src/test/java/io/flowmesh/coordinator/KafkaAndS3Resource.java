package io.flowmesh.coordinator;

import io.flowmesh.cluster.config.FixedS3Config;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.cluster.storage.S3BlobStore;
import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Kafka and S3 for the coordinator under test, started as {@code flowmesh local up} starts
 * them (no services, free ports), before Quarkus starts; stopped by PID after the tests, also when
 * the start failed half-way. Before the coordinator starts, {@link CoordinatorRestartScenario} seeds
 * the topics and the bucket with what a previous coordinator run left behind. Needs
 * {@code local/kafka-broker} and {@code local/s3-server} packaged ({@code flowmesh.home}).
 */
public class KafkaAndS3Resource implements QuarkusTestResourceLifecycleManager {
    private Path runDir;
    private final List<Long> pids = new ArrayList<>();
    private Thread stopOnExit;

    @Override
    public Map<String, String> start() {
        Path home = Path.of(System.getProperty("flowmesh.home", "..")).toAbsolutePath().normalize();
        try {
            runDir = Files.createTempDirectory("coordinator-it");
            LocalClusterOptions options = LocalClusterOptions.defaults(home).withRunDir(runDir).withStartServices(false).withFreePorts();
            LocalClusterState state = LocalCluster.up(options, System.out);
            state.processes().forEach(p -> pids.add(p.pid()));
            stopOnExit = LocalCluster.stopOnExit(state);
            createTopics(state.kafkaBootstrap());
            Map<String, String> config = Map.of(
                    "flowmesh.kafka.bootstrap-servers", state.kafkaBootstrap(),
                    "flowmesh.s3.endpoint", state.s3Endpoint(),
                    "flowmesh.s3.access-key", state.s3AccessKey(),
                    "flowmesh.s3.secret-key", state.s3SecretKey(),
                    "flowmesh.s3.bucket", state.bucket(),
                    // no JobManager runs in this test: FailJob calls fail and are logged
                    "flowmesh.coordinator.jobmanager-address", "127.0.0.1:1");
            try (TestBus bus = new TestBus(state.kafkaBootstrap(), blobStore(config))) {
                bus.store().createBucketIfMissing();
                CoordinatorRestartScenario.seed(bus);
            }
            return config;
        } catch (Throwable e) {
            try {
                if (runDir != null) {
                    // whatever a start that failed half-way spawned is recorded in the run dir
                    LocalClusterState.read(runDir).ifPresent(s -> s.processes().forEach(p -> pids.add(p.pid())));
                }
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            stop();
            throw new IllegalStateException("cannot start Kafka and S3 for the coordinator test: " + e, e);
        }
    }

    /**
     * Topics.ensureCreated, again while describing a just created topic answers
     * UnknownTopicOrPartition (KRaft acknowledges a creation before every broker applied it).
     */
    private static void createTopics(String bootstrap) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                new Topics("flowmesh.").ensureCreated(bootstrap, 10_000);
                return;
            } catch (Exception e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    static S3BlobStore blobStore(Map<String, String> config) {
        return new S3BlobStore(FixedS3Config.forServer(config.get("flowmesh.s3.endpoint"), config.get("flowmesh.s3.access-key"),
                config.get("flowmesh.s3.secret-key"), config.get("flowmesh.s3.bucket")));
    }

    @Override
    public void stop() {
        if (stopOnExit != null) {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
        if (runDir != null) {
            LocalCluster.down(runDir, System.out);
        }
        for (long pid : pids) {
            // never leave a JVM behind, even on a bug in down
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (runDir != null) {
            try (var files = Files.walk(runDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (java.io.IOException e) {
                System.err.println("cannot delete " + runDir + ": " + e);
            }
        }
    }
}
