package io.flowmesh.dispatcher.rpc;

import io.flowmesh.dispatcher.DispatcherConfig;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The optional bearer token of the dispatcher's gRPC API ({@link DispatcherConfig#authToken()}):
 * when one is configured, a call of any service (ours and reflection) without the metadata
 * {@code authorization: Bearer <token>} is closed with UNAUTHENTICATED before it reaches the
 * service; without a token configured every call passes. The gRPC health service
 * ({@code grpc.health.v1.Health}) stays open for probes, as do the HTTP endpoints. The comparison
 * takes the same time whatever the token sent. Runs on the transport's threads; stateless.
 */
@ApplicationScoped
@GlobalInterceptor
public class BearerTokenInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String OPEN_SERVICE = "grpc.health.v1.Health";

    private final byte[] expected;

    @Inject
    public BearerTokenInterceptor(DispatcherConfig config) {
        Optional<String> token = config.authToken().map(String::strip).filter(t -> !t.isEmpty());
        this.expected = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (expected == null || OPEN_SERVICE.equals(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String sent = headers.get(AUTHORIZATION);
        if (sent == null) {
            call.close(Status.UNAUTHENTICATED.withDescription("this dispatcher requires a bearer token: send the metadata "
                    + "'authorization: Bearer <token>' (the CLI sends $FLOWMESH_TOKEN)"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        if (!MessageDigest.isEqual(expected, sent.strip().getBytes(StandardCharsets.UTF_8))) {
            call.close(Status.UNAUTHENTICATED.withDescription("the bearer token sent in 'authorization' is not this dispatcher's"
                    + (sent.regionMatches(true, 0, "Bearer ", 0, 7) ? "" : " (expected the form 'Bearer <token>')")), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }
}
