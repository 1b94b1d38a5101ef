package io.flowmesh.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterStateTest {

    @TempDir
    Path runDir;

    private LocalClusterState sample() {
        return new LocalClusterState(runDir, List.of(), "127.0.0.1:8081", "127.0.0.1:9092", "http://127.0.0.1:9000",
                "flowmesh", "flowmesh-secret", "flowmesh", Instant.parse("2025-01-02T03:04:05.678Z"))
                .withProcess(new ManagedProcess("kafka", 101, Map.of("kafka", "127.0.0.1:9092",
                        "controller", "127.0.0.1:9093"), runDir.resolve("logs/kafka.log")))
                .withProcess(new ManagedProcess("dispatcher", 102, Map.of("http", "http://127.0.0.1:8081",
                        "grpc", "127.0.0.1:8081"), runDir.resolve("logs/dispatcher.log")));
    }

    @Test
    void jsonRoundTrip() {
        LocalClusterState state = sample();
        String json = state.toJson();
        assertEquals(state, LocalClusterState.fromJson(json));
        assertTrue(json.contains("\"dispatcherAddress\" : \"127.0.0.1:8081\""), json);
        assertTrue(json.contains("\"http\" : \"http://127.0.0.1:8081\""), json);
    }

    @Test
    void fileRoundTripAndAccessors() throws IOException {
        LocalClusterState state = sample();
        state.write();
        assertTrue(Files.isRegularFile(runDir.resolve("cluster.json")));
        LocalClusterState read = LocalClusterState.read(runDir).orElseThrow();
        assertEquals(state, read);
        assertEquals("http://127.0.0.1:9000", read.s3Endpoint());
        assertEquals("flowmesh", read.bucket());
        assertEquals(runDir.resolve("logs"), read.logsDir());
        assertEquals(102, read.process("dispatcher").orElseThrow().pid());
        assertEquals("127.0.0.1:9093", read.process("kafka").orElseThrow().address("controller").orElseThrow());
        assertEquals(List.of("kafka", "dispatcher"), read.processes().stream().map(ManagedProcess::role).toList());
    }

    @Test
    void noFileNoState() throws IOException {
        assertTrue(LocalClusterState.read(runDir).isEmpty());
        assertTrue(LocalCluster.status(runDir).isEmpty());
    }

    @Test
    void invalidFileNamesTheProblem() throws IOException {
        Files.writeString(runDir.resolve("cluster.json"), "{\"runDir\": \"/x\"}");
        IOException e = assertThrows(IOException.class, () -> LocalClusterState.read(runDir));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void processesWithoutTheMarkerAreNotAlive() throws IOException {
        // this test JVM is alive, but its command line has no run-dir marker
        long self = ProcessHandle.current().pid();
        LocalClusterState state = sample().withProcess(new ManagedProcess("jobmanager", self, Map.of(),
                runDir.resolve("logs/jobmanager.log")));
        state.write();
        assertFalse(state.isAlive(state.process("jobmanager").orElseThrow()));
        assertTrue(LocalCluster.status(runDir).isEmpty(), "no process of this cluster is alive");
        LocalCluster.down(runDir, System.out);
        assertTrue(ProcessHandle.current().isAlive());
        assertFalse(Files.exists(runDir.resolve("cluster.json")));
        LocalCluster.down(runDir, System.out); // idempotent
    }
}
