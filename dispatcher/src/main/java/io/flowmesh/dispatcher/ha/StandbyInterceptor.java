package io.flowmesh.dispatcher.ha;

import io.flowmesh.proto.DispatcherServiceGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * A standby dispatcher's gRPC side ({@link DispatcherLeadership}): the mutating calls of
 * {@code DispatcherService} — UploadArtifact, SubmitJob, CancelJob, TriggerSavepoint, StopJob —
 * are closed with {@code UNAVAILABLE} naming the leader (trailer
 * {@value DispatcherLeadership#LEADER_TRAILER}) before they reach the service, so a standby
 * stores, announces and starts nothing. Reads pass. Without high availability every call passes.
 * Runs after the bearer-token check (lower priority), so an unauthenticated caller learns nothing.
 */
@ApplicationScoped
@GlobalInterceptor
public class StandbyInterceptor implements ServerInterceptor, Prioritized {
    /** Full method name → what the refusal says the standby does not do. */
    static final Map<String, String> MUTATING = Map.of(
            DispatcherServiceGrpc.getUploadArtifactMethod().getFullMethodName(), "accept uploads",
            DispatcherServiceGrpc.getSubmitJobMethod().getFullMethodName(), "accept submissions",
            DispatcherServiceGrpc.getCancelJobMethod().getFullMethodName(), "cancel jobs",
            DispatcherServiceGrpc.getTriggerSavepointMethod().getFullMethodName(), "trigger savepoints",
            DispatcherServiceGrpc.getStopJobMethod().getFullMethodName(), "stop jobs");

    @Inject
    DispatcherLeadership leadership;

    /** Below the bearer-token interceptor's default 0: Quarkus calls higher priorities first. */
    @Override
    public int getPriority() {
        return -10;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String what = MUTATING.get(call.getMethodDescriptor().getFullMethodName());
        if (what == null || leadership.leading()) {
            return next.startCall(call, headers);
        }
        StatusRuntimeException refusal = leadership.notLeading(what);
        call.close(refusal.getStatus(), refusal.getTrailers());
        return new ServerCall.Listener<>() { };
    }
}
