package io.flowmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.local.LocalClusterState;
import io.flowmesh.local.ManagedProcess;
import io.grpc.Metadata;
import io.grpc.Status;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The CLI's dispatcher addresses with high availability: the local cluster's two dispatchers, a
 * comma-separated list, and how a failure is classified for failover (the behaviour against real
 * dispatchers is tested by e2e {@code HighAvailabilityIT}).
 */
class DispatcherAddressesTest {
    private static LocalClusterState state(List<ManagedProcess> processes) {
        return new LocalClusterState(Path.of("/tmp/run"), processes, "127.0.0.1:8081", "127.0.0.1:9092", "http://127.0.0.1:9000", "k", "s",
                "flowmesh", Instant.EPOCH);
    }

    private static ManagedProcess process(String role, int port) {
        return new ManagedProcess(role, 1, Map.of(ManagedProcess.GRPC, "127.0.0.1:" + port, ManagedProcess.HTTP, "http://127.0.0.1:" + port),
                Path.of("/tmp/run/logs/" + role + ".log"));
    }

    @Test
    void aLocalClusterWithHighAvailabilityGivesBothDispatchers() {
        assertEquals("127.0.0.1:8081", CliEnvironment.dispatchers(state(List.of(process("dispatcher", 8081)))));
        assertEquals("127.0.0.1:8081,127.0.0.1:8086",
                CliEnvironment.dispatchers(state(List.of(process("dispatcher", 8081), process("dispatcher-2", 8086)))));
    }

    @Test
    void severalAddressesAreAcceptedAndEachIsChecked() {
        try (DispatcherClient client = new DispatcherClient(" 127.0.0.1:8081, 127.0.0.1:8086 ", null)) {
            assertEquals(List.of("127.0.0.1:8081", "127.0.0.1:8086"), client.addresses());
            assertEquals("127.0.0.1:8081", client.address());
        }
        CliException e = assertThrows(CliException.class, () -> new DispatcherClient("127.0.0.1:8081,nowhere", null));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("'nowhere'"), e.getMessage());
    }

    @Test
    void failuresAreClassifiedForFailover() {
        Status refused = Status.UNAVAILABLE.withDescription("io exception").withCause(new ConnectException("Connection refused"));
        assertTrue(DispatcherClient.neverReached(refused));
        Status broken = Status.UNAVAILABLE.withDescription("Network closed for unknown reason");
        assertFalse(DispatcherClient.neverReached(broken));
        assertTrue(DispatcherClient.connectionBroke(broken));
        Status serverSaid = Status.UNAVAILABLE.withDescription("the JobManager at 127.0.0.1:8082 did not accept the job");
        assertFalse(DispatcherClient.connectionBroke(serverSaid));
        assertFalse(DispatcherClient.neverReached(Status.NOT_FOUND.withCause(new ConnectException())));

        Metadata trailers = new Metadata();
        trailers.put(Metadata.Key.of(DispatcherClient.LEADER_TRAILER, Metadata.ASCII_STRING_MARSHALLER), "127.0.0.1:8086");
        var standby = Status.UNAVAILABLE.withDescription("this dispatcher (127.0.0.1:8081) is a standby and does not accept submissions: "
                + "the leading dispatcher is at 127.0.0.1:8086; send the call there").asRuntimeException(trailers);
        assertTrue(DispatcherClient.isStandbyRefusal(standby));
        assertEquals(Optional.of("127.0.0.1:8086"), DispatcherClient.leaderHint(standby));
        var noLeaderYet = Status.UNAVAILABLE.withDescription("this dispatcher (127.0.0.1:8086) is a standby and does not accept submissions: "
                + "no dispatcher leads right now").asRuntimeException();
        assertTrue(DispatcherClient.isStandbyRefusal(noLeaderYet));
        assertEquals(Optional.empty(), DispatcherClient.leaderHint(noLeaderYet));
        assertFalse(DispatcherClient.isStandbyRefusal(serverSaid.asRuntimeException()));
    }
}
