package io.flowmesh.e2e;

import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import io.flowmesh.local.ManagedProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real local cluster for a test class, on free ports and in a run directory under {@code target/}:
 * Kafka, S3, the dispatcher, the JobManager, the coordinator and two TaskManagers of 2 slots, each a
 * separate process. {@link #close()} stops them by PID and checks none survives; a JVM shutdown hook
 * stops them too if the test JVM dies first.
 */
final class TestCluster implements AutoCloseable {
    final Path home;
    final Path runDir;
    final LocalClusterState state;
    final LocalClusterOptions options;
    private final Thread shutdownHook;

    private TestCluster(Path home, Path runDir, LocalClusterOptions options, LocalClusterState state) {
        this.home = home;
        this.runDir = runDir;
        this.options = options;
        this.state = state;
        this.shutdownHook = LocalCluster.stopOnExit(state);
    }

    static Path home() {
        return Path.of(System.getProperty("flowmesh.home", "..")).toAbsolutePath().normalize();
    }

    static TestCluster start(String name) throws Exception {
        return start(name, Map.of());
    }

    /**
     * A cluster whose services all read {@code serviceConfig} besides their defaults: written to
     * {@code <run dir>/config/application.properties}, which Quarkus reads from a service's working
     * directory (the run directory), so the keys apply to every service and to restarted ones.
     */
    static TestCluster start(String name, Map<String, String> serviceConfig) throws Exception {
        return start(name, serviceConfig, false);
    }

    /**
     * As {@link #start(String, Map)}; with {@code highAvailability} a second, standby JobManager
     * ({@code jobmanager-2}), coordinator ({@code coordinator-2}) and dispatcher ({@code dispatcher-2})
     * and HA type s3.
     */
    static TestCluster start(String name, Map<String, String> serviceConfig, boolean highAvailability) throws Exception {
        Path home = home();
        Path runDir = home.resolve("e2e/target/clusters/" + name);
        LocalCluster.down(runDir, System.out);
        Path config = runDir.resolve("config/application.properties");
        Files.deleteIfExists(config);
        if (!serviceConfig.isEmpty()) {
            Files.createDirectories(config.getParent());
            StringBuilder text = new StringBuilder("# written by TestCluster for this test class\n");
            serviceConfig.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            Files.writeString(config, text);
        }
        int base = freePortBlock(15);
        LocalClusterOptions options = LocalClusterOptions.defaults(home).withRunDir(runDir)
                .withKafkaPort(base).withKafkaControllerPort(base + 1).withS3Port(base + 2)
                .withDispatcherPort(base + 3).withJobManagerPort(base + 4).withCoordinatorPort(base + 5)
                .withTaskManagerPortBase(base + 6).withDataPortBase(base + 9)
                .withTaskManagers(2).withSlotsPerTaskManager(2)
                .withStandbyJobManagerPort(base + 12).withHighAvailability(highAvailability);
        return new TestCluster(home, runDir, options, LocalCluster.up(options, System.out));
    }

    /** The PID of the process of {@code role} now (a restarted one has a new PID). */
    long pid(String role) {
        return LocalCluster.status(runDir).flatMap(s -> s.process(role)).orElseThrow().pid();
    }

    /** kill -9 of the process of {@code role}; returns once it is gone. */
    void kill9(String role) throws Exception {
        long pid = pid(role);
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -9 " + pid + " failed");
        }
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
    }

    /** Starts the service of {@code role} again, as `local up` started it. */
    void restart(String role) throws Exception {
        LocalCluster.restartService(options, role, System.out);
    }

    String dispatcher() {
        return state.dispatcherAddress();
    }

    /** Every dispatcher's gRPC address, comma-separated: the first one, then (HA) {@code dispatcher-2}. */
    String dispatchers() {
        return state.process("dispatcher-2").flatMap(p -> p.address(ManagedProcess.GRPC)).map(d -> dispatcher() + "," + d).orElse(dispatcher());
    }

    String kafka() {
        return state.kafkaBootstrap();
    }

    List<ManagedProcess> processes() {
        return state.processes();
    }

    /** Stops every process of the cluster; throws if one is still alive afterwards. */
    @Override
    public void close() throws Exception {
        List<ManagedProcess> all = new java.util.ArrayList<>(state.processes());
        LocalCluster.status(runDir).ifPresent(s -> all.addAll(s.processes())); // restarted ones have new PIDs
        LocalCluster.down(runDir, System.out);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        for (ManagedProcess p : all) {
            while (ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("process " + p.role() + " (pid " + p.pid() + ") survived `local down`");
                }
                Thread.sleep(100);
            }
        }
    }

    /** The first port of {@code n} consecutive free loopback ports. */
    static int freePortBlock(int n) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            // below the kernel's ephemeral ports, which client connections take at any time
            int base = ThreadLocalRandom.current().nextInt(LocalClusterOptions.FREE_PORT_MIN, LocalClusterOptions.FREE_PORT_MAX - n);
            boolean free = true;
            for (int p = base; p < base + n && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no block of " + n + " free ports found");
    }

    /** Waits up to 30 s until the file {@code log} contains {@code text}. */
    static void awaitLog(Path log, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(log + " does not say '" + text + "' within 30 s");
    }
}
