package io.flowmesh.jobmanager;

import io.flowmesh.cluster.events.Topics;
import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real Kafka and S3 for a {@code @QuarkusTest} of the JobManager, started as
 * {@code flowmesh local up} starts them (without the services) on free ports in
 * {@code target/it-cluster}; the JobManager is pointed at them. {@link #stop()} stops them and kills
 * by PID whatever survived. Needs {@code local/kafka-broker} and {@code local/s3-server} packaged.
 */
public class LocalKafkaAndS3 implements QuarkusTestResourceLifecycleManager {
    /** Shared with the test class (same class loader as the resource manager in Quarkus' test JVM). */
    public static volatile LocalClusterState state;

    private Path runDir;
    private final List<Long> pids = new ArrayList<>();
    private Thread stopOnExit;

    @Override
    public Map<String, String> start() {
        Path home = Path.of(System.getProperty("flowmesh.home", "..")).toAbsolutePath().normalize();
        runDir = home.resolve("jobmanager-svc/target/it-cluster");
        LocalCluster.down(runDir, System.out);
        try {
            state = LocalCluster.up(LocalClusterOptions.defaults(home).withRunDir(runDir).withStartServices(false).withFreePorts(), System.out);
            state.processes().forEach(p -> pids.add(p.pid()));
            stopOnExit = LocalCluster.stopOnExit(state);
            createTopics(state.kafkaBootstrap());
        } catch (Throwable e) {
            stop();
            throw new IllegalStateException("cannot start Kafka and S3 in " + runDir, e);
        }
        return Map.of(
                "flowmesh.kafka.bootstrap-servers", state.kafkaBootstrap(),
                "flowmesh.s3.endpoint", state.s3Endpoint(),
                "flowmesh.s3.access-key", state.s3AccessKey(),
                "flowmesh.s3.secret-key", state.s3SecretKey(),
                "flowmesh.s3.bucket", state.bucket(),
                "flowmesh.jobmanager.slot-request-timeout", "1s",
                "flowmesh.jobmanager.heartbeat-timeout", "120s",
                "flowmesh.jobmanager.state-lookup-timeout", "10s");
    }

    /** Creates Flowmesh's topics; right after a create the broker may not know them yet, so it tries again. */
    private static void createTopics(String bootstrap) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                new Topics("flowmesh.").ensureCreated(bootstrap, 10_000);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    @Override
    public void stop() {
        if (stopOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down
            }
        }
        try {
            LocalClusterState.read(runDir).ifPresent(s -> s.processes().forEach(p -> pids.add(p.pid())));
        } catch (Exception ignored) {
            // the recorded PIDs are enough
        }
        LocalCluster.down(runDir, System.out);
        for (long pid : pids) {
            Optional<ProcessHandle> alive = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            alive.ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
