package io.flowmesh.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service half of {@link LocalCluster#up}, with stand-ins for the four {@code quarkus-run.jar}
 * files ({@link FakeService}) beside the real Kafka and S3 class paths: start order, the contract's
 * {@code -D} properties, readiness, and the clean-up when a service does not start.
 */
class LocalClusterServicesIT {

    @TempDir
    Path home;

    private final List<Long> pids = new ArrayList<>();
    private Path runDir;

    @AfterEach
    void stopEverything() throws IOException {
        if (runDir != null) {
            LocalClusterState.read(runDir).ifPresent(s -> s.processes().forEach(p -> pids.add(p.pid())));
            LocalCluster.down(runDir, System.out);
        }
        for (String lib : List.of("local/kafka-broker/target/lib", "local/s3-server/target/lib")) {
            Files.deleteIfExists(home.resolve(lib)); // the link only, before @TempDir cleans up
        }
        for (long pid : pids) {
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            assertFalse(alive, "pid " + pid + " survived");
        }
    }

    private LocalClusterOptions fakeHome(String taskManagerMain) throws IOException {
        Path real = Path.of(System.getProperty("flowmesh.home", "../..")).toAbsolutePath().normalize();
        for (String lib : List.of("local/kafka-broker/target/lib", "local/s3-server/target/lib")) {
            Files.createDirectories(home.resolve(lib).getParent());
            Files.createSymbolicLink(home.resolve(lib), real.resolve(lib));
        }
        Path testClasses = Path.of(FakeService.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        for (String module : Services.modules()) {
            String main = module.equals("taskmanager-svc") ? taskManagerMain : FakeService.class.getName();
            writeRunnerJar(Services.runnerJar(home, module), main, testClasses);
        }
        runDir = home.resolve("run");
        return LocalClusterOptions.defaults(home).withRunDir(runDir).withFreePorts().withTaskManagers(2)
                .withSlotsPerTaskManager(3);
    }

    private static void writeRunnerJar(Path jar, String mainClass, Path classes) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // a manifest is all it needs
        }
    }

    @Test
    void startsServicesInOrderWithTheContractsProperties() throws Exception {
        LocalClusterOptions o = fakeHome(FakeService.class.getName());
        LocalClusterState state = LocalCluster.up(o, System.out);
        state.processes().forEach(p -> pids.add(p.pid()));
        assertEquals(List.of("kafka", "s3", "dispatcher", "jobmanager", "coordinator", "taskmanager-1", "taskmanager-2"),
                state.processes().stream().map(ManagedProcess::role).toList());
        assertEquals("127.0.0.1:" + o.dispatcherPort(), state.dispatcherAddress());
        assertTrue(state.deadProcesses().isEmpty());

        ManagedProcess tm2 = state.process("taskmanager-2").orElseThrow();
        assertEquals("http://127.0.0.1:" + o.taskManagerPort(2), tm2.address(ManagedProcess.HTTP).orElseThrow());
        assertEquals("127.0.0.1:" + o.taskManagerPort(2), tm2.address(ManagedProcess.GRPC).orElseThrow());
        assertEquals("127.0.0.1:" + o.dataPort(2), tm2.address(ManagedProcess.DATA).orElseThrow());
        List<String> tmArgs = Processes.arguments(tm2.pid());
        for (String expected : List.of(
                "-Dquarkus.http.port=" + o.taskManagerPort(2),
                "-Dquarkus.http.host=127.0.0.1",
                "-Dflowmesh.kafka.bootstrap-servers=127.0.0.1:" + o.kafkaPort(),
                "-Dflowmesh.s3.endpoint=http://127.0.0.1:" + o.s3Port(),
                "-Dflowmesh.s3.access-key=flowmesh",
                "-Dflowmesh.s3.secret-key=flowmesh-secret",
                "-Dflowmesh.s3.bucket=flowmesh",
                "-Dflowmesh.local.run-dir=" + runDir.toAbsolutePath().normalize(),
                "-Dflowmesh.taskmanager.id=taskmanager-2",
                "-Dflowmesh.taskmanager.host=127.0.0.1",
                "-Dflowmesh.taskmanager.data-port=" + o.dataPort(2),
                "-Dflowmesh.taskmanager.jobmanager-address=127.0.0.1:" + o.jobManagerPort(),
                "-Dtaskmanager.numberOfTaskSlots=3",
                "-Xmx1g")) {
            assertTrue(tmArgs.contains(expected), expected + " missing in " + tmArgs);
        }
        List<String> dispatcherArgs = Processes.arguments(state.process("dispatcher").orElseThrow().pid());
        assertTrue(dispatcherArgs.contains("-Dflowmesh.dispatcher.jobmanager-address=127.0.0.1:" + o.jobManagerPort()));
        assertTrue(dispatcherArgs.contains("-Dflowmesh.dispatcher.coordinator-address=127.0.0.1:" + o.coordinatorPort()));
        assertTrue(dispatcherArgs.contains("-XX:TieredStopAtLevel=1"));
        List<String> coordinatorArgs = Processes.arguments(state.process("coordinator").orElseThrow().pid());
        assertTrue(coordinatorArgs.contains("-Dflowmesh.coordinator.jobmanager-address=127.0.0.1:" + o.jobManagerPort()));

        // a different port set against the same run dir gets the running cluster back, not a second one
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        LocalClusterState again = LocalCluster.up(o.withPortOffset(1), new PrintStream(progress, true));
        assertEquals(state, again);
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("already running"));

        LocalCluster.down(runDir, System.out);
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
        }
    }

    @Test
    void aServiceThatExitsStopsEverythingAndIsNamed() throws Exception {
        LocalClusterOptions o = fakeHome(FakeService.Failing.class.getName());
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(new TeeStream(progress, System.out), true);
        LocalClusterException e = assertThrows(LocalClusterException.class, () -> LocalCluster.up(o, both));
        String text = progress.toString(StandardCharsets.UTF_8);
        assertTrue(e.getMessage().startsWith("taskmanager-1 exited with code 3"), e.getMessage());
        assertTrue(e.getMessage().contains(runDir.resolve("logs/taskmanager-1.log").toString()), e.getMessage());
        assertTrue(text.contains("| fake failure: cannot connect to the JobManager"), text);
        assertFalse(Files.exists(runDir.resolve("cluster.json")));
        for (String role : List.of("kafka", "s3", "dispatcher", "jobmanager", "coordinator")) {
            assertTrue(text.contains("stopped " + role + " (pid "), role + " not stopped: " + text);
        }
        assertTrue(LocalCluster.status(runDir).isEmpty());
    }

    /** Writes to two streams. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
