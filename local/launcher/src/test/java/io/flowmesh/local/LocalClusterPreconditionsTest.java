package io.flowmesh.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link LocalCluster#up} checks before it starts anything. */
class LocalClusterPreconditionsTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @Test
    void missingBuildOutputIsNamedWithTheBuildCommand() {
        LocalClusterOptions o = LocalClusterOptions.defaults(home).withFreePorts();
        LocalClusterException e = assertThrows(LocalClusterException.class,
                () -> LocalCluster.up(o, new PrintStream(progress, true)));
        assertTrue(e.getMessage().contains(home.resolve("local/kafka-broker/target/lib").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(home.resolve("dispatcher/target/quarkus-app/quarkus-run.jar").toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains("./mvnw -DskipTests package"), e.getMessage());
        assertFalse(Files.exists(o.runDir().resolve("cluster.json")));
    }

    @Test
    void portInUseIsNamedWithItsOption() throws IOException {
        Files.createDirectories(home.resolve("local/kafka-broker/target/lib"));
        Files.createFile(home.resolve("local/kafka-broker/target/lib/a.jar"));
        Files.createDirectories(home.resolve("local/s3-server/target/lib"));
        Files.createFile(home.resolve("local/s3-server/target/lib/b.jar"));
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            LocalClusterOptions o = LocalClusterOptions.defaults(home).withFreePorts().withStartServices(false)
                    .withS3Port(taken.getLocalPort());
            LocalClusterException e = assertThrows(LocalClusterException.class,
                    () -> LocalCluster.up(o, new PrintStream(progress, true)));
            assertTrue(e.getMessage().contains("port " + taken.getLocalPort() + " is already in use (option --s3-port)"),
                    e.getMessage());
        }
    }
}
