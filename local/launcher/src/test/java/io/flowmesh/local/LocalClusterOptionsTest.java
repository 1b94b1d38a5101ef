package io.flowmesh.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalClusterOptionsTest {

    private final Path home = Path.of("/opt/flowmesh");

    @Test
    void defaultsAreTheDocumentedOnes() {
        LocalClusterOptions o = LocalClusterOptions.defaults(home);
        assertEquals(Path.of("/opt/flowmesh/.flowmesh/local"), o.runDir());
        assertEquals(List.of(9092, 9093, 9000, 8081, 8082, 8083, 8090, 6120),
                List.of(o.kafkaPort(), o.kafkaControllerPort(), o.s3Port(), o.dispatcherPort(), o.jobManagerPort(),
                        o.coordinatorPort(), o.taskManagerPortBase(), o.dataPortBase()));
        assertEquals(2, o.taskManagers());
        assertEquals(2, o.slotsPerTaskManager());
        assertTrue(o.startServices());
        assertEquals(8091, o.taskManagerPort(1));
        assertEquals(6122, o.dataPort(2));
    }

    @Test
    void everyWitherChangesOnlyItsField() {
        LocalClusterOptions d = LocalClusterOptions.defaults(home);
        assertEquals(Path.of("/tmp/x"), d.withRunDir(Path.of("/tmp/x")).runDir());
        assertEquals(Path.of("/srv"), d.withHome(Path.of("/srv")).home());
        assertEquals(1, d.withKafkaPort(1).kafkaPort());
        assertEquals(2, d.withKafkaControllerPort(2).kafkaControllerPort());
        assertEquals(3, d.withS3Port(3).s3Port());
        assertEquals(4, d.withDispatcherPort(4).dispatcherPort());
        assertEquals(5, d.withJobManagerPort(5).jobManagerPort());
        assertEquals(6, d.withCoordinatorPort(6).coordinatorPort());
        assertEquals(7, d.withTaskManagerPortBase(7).taskManagerPortBase());
        assertEquals(8, d.withDataPortBase(8).dataPortBase());
        assertEquals(3, d.withTaskManagers(3).taskManagers());
        assertEquals(4, d.withSlotsPerTaskManager(4).slotsPerTaskManager());
        assertFalse(d.withStartServices(false).startServices());
        LocalClusterOptions k = d.withKafkaPort(1);
        assertEquals(d, k.withKafkaPort(9092));
        assertEquals(10092, d.withPortOffset(1000).kafkaPort());
        assertEquals(9090, d.withPortOffset(1000).taskManagerPortBase());
    }

    @Test
    void relativePathsBecomeAbsolute() {
        LocalClusterOptions o = LocalClusterOptions.defaults(Path.of("some/where"));
        assertTrue(o.home().isAbsolute());
        assertTrue(o.runDir().isAbsolute());
    }

    @Test
    void rejectsNonsense() {
        LocalClusterOptions d = LocalClusterOptions.defaults(home);
        assertThrows(IllegalArgumentException.class, () -> d.withSlotsPerTaskManager(0));
        assertThrows(IllegalArgumentException.class, () -> d.withTaskManagers(-1));
        assertThrows(IllegalArgumentException.class, () -> d.withKafkaPort(70000));
    }

    @Test
    void portsNameTheirOptions() {
        Map<String, Integer> ports = LocalClusterOptions.defaults(home).ports();
        assertEquals(9092, ports.get("--kafka-port"));
        assertEquals(8092, ports.get("--taskmanager-port (+2 for taskmanager-2)"));
        assertEquals(3 + 3 + 2 * 2, ports.size());
        assertEquals(3, LocalClusterOptions.defaults(home).withStartServices(false).ports().size());
    }

    @Test
    void freePortsAreDistinct() {
        LocalClusterOptions o = LocalClusterOptions.defaults(home).withTaskManagers(3).withFreePorts();
        var ports = o.ports().values();
        assertEquals(ports.size(), new HashSet<>(ports).size());
        assertNotEquals(9092, o.kafkaPort());
    }

    @Test
    void highAvailabilityStartsAStandbyDispatcherTwoPortsAfterTheStandbyJobManager() {
        LocalClusterOptions o = LocalClusterOptions.defaults(home).withHighAvailability(true);
        assertEquals(8086, o.standbyDispatcherPort());
        assertEquals(8086, o.ports().get("--standby-jobmanager-port (+2: dispatcher-2)"));
        List<Services.Service> plan = Services.plan(o, "java");
        assertEquals(List.of("dispatcher", "dispatcher-2", "jobmanager", "jobmanager-2", "coordinator", "coordinator-2", "taskmanager-1",
                "taskmanager-2"), plan.stream().map(Services.Service::role).toList());
        Services.Service first = plan.get(0);
        Services.Service standby = plan.get(1);
        assertTrue(first.command().contains("-Dflowmesh.dispatcher.advertised-address=127.0.0.1:8081"), first.command().toString());
        assertTrue(standby.command().contains("-Dflowmesh.dispatcher.advertised-address=127.0.0.1:8086"), standby.command().toString());
        assertTrue(standby.command().contains("-Dquarkus.http.port=8086"), standby.command().toString());
        assertTrue(standby.command().contains("-Dhigh-availability.type=s3"), standby.command().toString());
        assertTrue(standby.command().contains("-Dflowmesh.dispatcher.jobmanager-address=127.0.0.1:8082"), standby.command().toString());
        assertEquals("127.0.0.1:8086", standby.addresses().get(ManagedProcess.GRPC));
        // without HA: one dispatcher, no advertised address, as before
        List<Services.Service> single = Services.plan(LocalClusterOptions.defaults(home), "java");
        assertEquals(1, single.stream().filter(s -> s.role().startsWith("dispatcher")).count());
        assertTrue(single.get(0).command().stream().noneMatch(c -> c.contains("advertised-address")), single.get(0).command().toString());
    }

    @Test
    void freePortsWithHighAvailabilityKeepTheStandbyPortsApart() {
        LocalClusterOptions o = LocalClusterOptions.defaults(home).withHighAvailability(true).withFreePorts();
        var ports = o.ports().values();
        assertEquals(ports.size(), new HashSet<>(ports).size());
    }

    @Test
    void theDispatcherIsToldWhereTheJobManagerAndTheCoordinatorListen() {
        LocalClusterOptions o = LocalClusterOptions.defaults(home).withJobManagerPort(18082).withCoordinatorPort(18083);
        Services.Service dispatcher = Services.plan(o, "java").stream().filter(s -> s.role().equals("dispatcher")).findFirst().orElseThrow();
        assertTrue(dispatcher.command().contains("-Dflowmesh.dispatcher.jobmanager-address=127.0.0.1:18082"), dispatcher.command().toString());
        assertTrue(dispatcher.command().contains("-Dflowmesh.dispatcher.coordinator-address=127.0.0.1:18083"), dispatcher.command().toString());
    }
}
