package io.flowmesh.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The local Kafka broker: one KRaft node that is broker and controller, from the class path that
 * {@code local/kafka-broker} lays out in its {@code target/lib}.
 *
 * <p>Its files live in {@code <runDir>/kafka}: {@code server.properties} and {@code data/}. The
 * storage is formatted ({@code kafka.tools.StorageTool format --standalone}) before every start;
 * the broker is ready when its log says {@value #READY_LINE}. Settings are those of a single
 * node (replication factors and min ISR 1, no initial rebalance delay), with few partitions for
 * the internal topics so that the first consumer group and transaction do not wait for 50
 * partitions to be created on two cores.
 */
final class KafkaBroker {

    static final String READY_LINE = "Kafka Server started";
    static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC");

    private KafkaBroker() {
    }

    static Path libDir(Path home) {
        return home.resolve("local/kafka-broker/target/lib");
    }

    static Path dir(Path runDir) {
        return runDir.resolve("kafka");
    }

    static Path configFile(Path runDir) {
        return dir(runDir).resolve("server.properties");
    }

    /** Writes {@code server.properties} for a single node on the options' ports. */
    static void writeConfig(LocalClusterOptions o) throws IOException {
        Path runDir = o.runDir();
        Files.createDirectories(dir(runDir).resolve("data"));
        String broker = "127.0.0.1:" + o.kafkaPort();
        String controller = "127.0.0.1:" + o.kafkaControllerPort();
        String config = String.join("\n",
                "# Written by the Flowmesh local launcher for each start; edits are lost.",
                "process.roles=broker,controller",
                "node.id=1",
                "listeners=PLAINTEXT://" + broker + ",CONTROLLER://" + controller,
                "advertised.listeners=PLAINTEXT://" + broker,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "controller.quorum.bootstrap.servers=" + controller,
                "log.dirs=" + dir(runDir).resolve("data"),
                "num.partitions=1",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=5",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=5",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "share.coordinator.state.topic.num.partitions=5",
                "group.initial.rebalance.delay.ms=0",
                "") ;
        Files.writeString(configFile(runDir), config, StandardCharsets.UTF_8);
    }

    /** {@code StorageTool format} with a fresh cluster id; a short-lived JVM run before the broker. */
    static List<String> formatCommand(String java, Path home, Path runDir) {
        return List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", Processes.marker(runDir),
                "-cp", libDir(home) + "/*", "kafka.tools.StorageTool", "format",
                "-t", randomClusterId(), "-c", configFile(runDir).toString(), "--standalone");
    }

    static List<String> serverCommand(String java, Path home, Path runDir) {
        return concat(java, JVM_OPTIONS, List.of(Processes.marker(runDir),
                "-cp", libDir(home) + "/*", "kafka.Kafka", configFile(runDir).toString()));
    }

    /** A cluster id as Kafka's {@code Uuid.randomUuid()} makes them: base64url, never starting with '-'. */
    static String randomClusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    static List<String> concat(String first, List<String> middle, List<String> rest) {
        List<String> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(middle);
        all.addAll(rest);
        return all;
    }
}
