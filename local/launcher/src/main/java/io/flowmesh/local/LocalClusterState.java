package io.flowmesh.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A local cluster as recorded in {@code <runDir>/cluster.json}: its processes in start order and
 * the addresses a client needs.
 *
 * <p>{@link LocalCluster#up} writes the file again after every process it spawns, so that a start
 * that dies half-way can still be stopped by {@link LocalCluster#down}. Clients (the CLI, tests)
 * read it to find the dispatcher, Kafka and S3. The JSON keeps the record's component names;
 * paths are absolute strings and {@code startedAt} is ISO-8601.
 */
public record LocalClusterState(
        Path runDir,
        List<ManagedProcess> processes,
        String dispatcherAddress,
        String kafkaBootstrap,
        String s3Endpoint,
        String s3AccessKey,
        String s3SecretKey,
        String bucket,
        Instant startedAt) {

    /** The state file's name inside the run dir. */
    public static final String FILE_NAME = "cluster.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public LocalClusterState {
        runDir = runDir.toAbsolutePath().normalize();
        processes = List.copyOf(processes);
        Objects.requireNonNull(dispatcherAddress, "dispatcherAddress");
        Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
        Objects.requireNonNull(s3Endpoint, "s3Endpoint");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** {@code <runDir>/cluster.json}. */
    public static Path file(Path runDir) {
        return runDir.toAbsolutePath().normalize().resolve(FILE_NAME);
    }

    /** Where every process's log is: {@code <runDir>/logs}. */
    public Path logsDir() {
        return runDir.resolve("logs");
    }

    /** The process with this role, if it was started. */
    public Optional<ManagedProcess> process(String role) {
        return processes.stream().filter(p -> p.role().equals(role)).findFirst();
    }

    /** This state with the process of {@code process.role()} replaced (same place in the order). */
    public LocalClusterState withReplaced(ManagedProcess process) {
        List<ManagedProcess> replaced = new ArrayList<>();
        for (ManagedProcess p : processes) {
            replaced.add(p.role().equals(process.role()) ? process : p);
        }
        return new LocalClusterState(runDir, replaced, dispatcherAddress, kafkaBootstrap, s3Endpoint, s3AccessKey,
                s3SecretKey, bucket, startedAt);
    }

    /** This state with one more process, recorded after the others. */
    public LocalClusterState withProcess(ManagedProcess process) {
        List<ManagedProcess> more = new ArrayList<>(processes);
        more.add(process);
        return new LocalClusterState(runDir, more, dispatcherAddress, kafkaBootstrap, s3Endpoint, s3AccessKey,
                s3SecretKey, bucket, startedAt);
    }

    /**
     * Whether the process still runs as part of this cluster: its PID is alive and its command
     * line carries this run dir's marker (so a reused PID does not count).
     */
    public boolean isAlive(ManagedProcess process) {
        return Processes.isClusterProcess(process.pid(), runDir);
    }

    /** The processes that are no longer alive, in start order. */
    public List<ManagedProcess> deadProcesses() {
        return processes.stream().filter(p -> !isAlive(p)).toList();
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("runDir", runDir.toString());
        root.put("startedAt", startedAt.toString());
        root.put("dispatcherAddress", dispatcherAddress);
        root.put("kafkaBootstrap", kafkaBootstrap);
        root.put("s3Endpoint", s3Endpoint);
        root.put("s3AccessKey", s3AccessKey);
        root.put("s3SecretKey", s3SecretKey);
        root.put("bucket", bucket);
        ArrayNode list = root.putArray("processes");
        for (ManagedProcess p : processes) {
            ObjectNode node = list.addObject();
            node.put("role", p.role());
            node.put("pid", p.pid());
            ObjectNode addresses = node.putObject("addresses");
            p.addresses().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> addresses.put(e.getKey(), e.getValue()));
            node.put("log", p.log().toString());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Parses what {@link #toJson()} wrote; {@link IllegalArgumentException} names a missing field. */
    public static LocalClusterState fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a cluster state (invalid JSON): " + e.getOriginalMessage(), e);
        }
        List<ManagedProcess> processes = new ArrayList<>();
        for (JsonNode node : required(root, "processes")) {
            Map<String, String> addresses = new LinkedHashMap<>();
            JsonNode a = node.path("addresses");
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                addresses.put(e.getKey(), e.getValue().asText());
            }
            processes.add(new ManagedProcess(required(node, "role").asText(), required(node, "pid").asLong(),
                    addresses, Path.of(required(node, "log").asText())));
        }
        return new LocalClusterState(
                Path.of(required(root, "runDir").asText()),
                processes,
                required(root, "dispatcherAddress").asText(),
                required(root, "kafkaBootstrap").asText(),
                required(root, "s3Endpoint").asText(),
                root.path("s3AccessKey").asText(""),
                root.path("s3SecretKey").asText(""),
                root.path("bucket").asText(""),
                Instant.parse(required(root, "startedAt").asText()));
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("not a cluster state: missing \"" + field + "\"");
        }
        return value;
    }

    /** Writes {@code <runDir>/cluster.json} atomically (a reader never sees half a file). */
    public void write() throws IOException {
        Path target = file(runDir);
        Files.createDirectories(runDir);
        Path tmp = runDir.resolve(FILE_NAME + ".tmp");
        Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Reads {@code <runDir>/cluster.json}; empty when there is none. */
    public static Optional<LocalClusterState> read(Path runDir) throws IOException {
        Path file = file(runDir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromJson(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
