package io.flowmesh.cli;

import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the CLI runs: its environment variables and the Flowmesh home (the checkout whose build
 * outputs {@code flowmesh local up} and {@code flowmesh demo} start).
 *
 * <p>Home is {@code $FLOWMESH_HOME}, else the checkout the CLI jar was built in
 * ({@code <home>/cli/target/flowmesh-cli.jar}, or {@code <home>/cli/target/classes} in tests),
 * else the working directory. The dispatcher (one {@code host:port}, or several comma-separated: the
 * client fails over between them) is {@code --dispatcher}, else
 * {@code $FLOWMESH_DISPATCHER}, else the local cluster's ({@code <home>/.flowmesh/local/cluster.json}),
 * else {@value #DEFAULT_DISPATCHER}. A local cluster with high availability gives both its dispatchers.
 */
public record CliEnvironment(Map<String, String> env, Path home) {

    public static final String DEFAULT_DISPATCHER = "127.0.0.1:8081";

    public CliEnvironment {
        env = Map.copyOf(env);
        home = home.toAbsolutePath().normalize();
    }

    /** The real environment of this process. */
    public static CliEnvironment system() {
        Map<String, String> env = System.getenv();
        String explicit = env.get("FLOWMESH_HOME");
        Path home = explicit != null && !explicit.isBlank() ? Path.of(explicit) : homeFromCodeLocation();
        return new CliEnvironment(env, home);
    }

    private static Path homeFromCodeLocation() {
        try {
            Path location = Path.of(FlowmeshCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // <home>/cli/target/flowmesh-cli.jar or <home>/cli/target/classes
            Path candidate = location.getParent() == null ? null : location.getParent().getParent();
            candidate = candidate == null ? null : candidate.getParent();
            if (candidate != null && Files.isRegularFile(candidate.resolve("cli/pom.xml"))) {
                return candidate;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    /** {@code <home>/.flowmesh/local}: the default local cluster's run dir. */
    public Path localRunDir() {
        return LocalClusterOptions.defaultRunDir(home);
    }

    /** The dispatcher's {@code host:port}, by the rules in the class comment. */
    public String dispatcher(String option) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        String fromEnv = env.get("FLOWMESH_DISPATCHER");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        return localClusterState().map(CliEnvironment::dispatchers).orElse(DEFAULT_DISPATCHER);
    }

    /** The local cluster's dispatcher; with high availability both, comma-separated (the first one started first). */
    static String dispatchers(LocalClusterState state) {
        return state.process("dispatcher-2").flatMap(p -> p.address(io.flowmesh.local.ManagedProcess.GRPC))
                .map(standby -> state.dispatcherAddress() + "," + standby).orElse(state.dispatcherAddress());
    }

    /** {@code $FLOWMESH_TOKEN}: the dispatcher's bearer token, or null when unset or blank. */
    public String token() {
        String token = env.get("FLOWMESH_TOKEN");
        return token == null || token.isBlank() ? null : token.strip();
    }

    /** The default local cluster's recorded state, if there is a readable one. */
    public Optional<LocalClusterState> localClusterState() {
        try {
            return LocalClusterState.read(localRunDir());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
