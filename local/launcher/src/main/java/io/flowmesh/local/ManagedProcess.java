package io.flowmesh.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One process of the local cluster, as recorded in {@code cluster.json}.
 *
 * <p>{@code role} is {@code kafka}, {@code s3}, {@code dispatcher}, {@code jobmanager},
 * {@code coordinator} or {@code taskmanager-<k>}. {@code addresses} names each endpoint: HTTP
 * endpoints as URLs ({@code "http" -> "http://127.0.0.1:8081"}), gRPC, Kafka, S3 and data ports as
 * {@code host:port} ({@code "grpc"}, {@code "kafka"}, {@code "controller"}, {@code "s3"},
 * {@code "data"}). {@code log} receives the process's stdout and stderr.
 */
public record ManagedProcess(String role, long pid, Map<String, String> addresses, Path log) {

    public static final String HTTP = "http";
    public static final String GRPC = "grpc";
    public static final String KAFKA = "kafka";
    public static final String CONTROLLER = "controller";
    public static final String S3 = "s3";
    public static final String DATA = "data";

    public ManagedProcess {
        Objects.requireNonNull(role, "role");
        addresses = Map.copyOf(addresses);
        Objects.requireNonNull(log, "log");
    }

    /** The address recorded under {@code name}, if any. */
    public Optional<String> address(String name) {
        return Optional.ofNullable(addresses.get(name));
    }
}
