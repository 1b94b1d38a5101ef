package io.flowmesh.dispatcher;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Dispatcher settings (env: FLOWMESH_DISPATCHER_JOBMANAGER_ADDRESS,
 * FLOWMESH_DISPATCHER_COORDINATOR_ADDRESS, ...). */
@ConfigMapping(prefix = "flowmesh.dispatcher")
public interface DispatcherConfig {
    /** host:port of the JobManager's gRPC endpoint. */
    String jobmanagerAddress();

    /** host:port of the checkpoint coordinator's gRPC endpoint (savepoints, stop, checkpoint history). */
    @WithDefault("127.0.0.1:8083")
    String coordinatorAddress();

    /** How long a call to the checkpoint coordinator may take when the user's call has no earlier deadline. */
    @WithDefault("10s")
    Duration coordinatorTimeout();

    /** How long a program's main may take to build its pipeline and call execute(). */
    @WithDefault("60s")
    Duration planExtractionTimeout();

    /** The largest jar UploadArtifact accepts. */
    @WithDefault("536870912")
    long maxArtifactBytes();

    /**
     * {@code flowmesh.dispatcher.auth-token} (env FLOWMESH_DISPATCHER_AUTH_TOKEN): when set, every gRPC
     * call must carry {@code authorization: Bearer <token>}; unset or blank: no authentication.
     */
    Optional<String> authToken();

    /**
     * With high availability: the {@code host:port} this dispatcher publishes with its lease — the
     * address clients reach its gRPC API and REST endpoint at; default {@code 127.0.0.1:<quarkus.http.port>}.
     */
    Optional<String> advertisedAddress();

    /**
     * Whether this dispatcher consumes the command topic (one active dispatcher per cluster should;
     * with high availability only the leader does).
     */
    @WithDefault("true")
    boolean commandsEnabled();

    /** The consumer group whose committed offsets say which commands were read. */
    @WithDefault("flowmesh-dispatcher")
    String commandsGroupId();
}
