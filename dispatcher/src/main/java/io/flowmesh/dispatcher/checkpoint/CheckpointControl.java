package io.flowmesh.dispatcher.checkpoint;

import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.cluster.rpc.GrpcChannels;
import io.flowmesh.dispatcher.DispatcherConfig;
import io.flowmesh.dispatcher.registry.JobRegistry;
import io.flowmesh.proto.CheckpointCoordinatorServiceGrpc;
import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.ListCheckpointsRequest;
import io.flowmesh.proto.SavepointStatus;
import io.flowmesh.proto.SavepointStatusRequest;
import io.flowmesh.proto.TriggerSavepointRequest;
import io.flowmesh.proto.TriggerSavepointResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The dispatcher's savepoint, stop-with-savepoint and checkpoint-history calls: checked against the
 * dispatcher's own {@link JobRegistry}, then forwarded to the checkpoint coordinator's
 * {@code CheckpointCoordinatorService} at {@link DispatcherConfig#coordinatorAddress()}.
 *
 * <p>Refusals before the coordinator is asked: NOT_FOUND for a job id the registry does not know;
 * FAILED_PRECONDITION naming the state for a savepoint or stop of a terminal job; INVALID_ARGUMENT
 * for a savepoint type that does not fit the call. Status and history are answered for terminal
 * jobs too (a stop's savepoint completes just before its job finishes). When the coordinator does
 * not answer: UNAVAILABLE {@code checkpoint coordinator at host:port unreachable: <why>};
 * DEADLINE_EXCEEDED when it did not answer in time. Any other answer of the coordinator, success or
 * status, reaches the caller unchanged; except that a coordinator which does not know a terminal
 * job yields an empty history for it (the job is known; no checkpoint of it is).
 *
 * <p>Each forwarded call carries the caller's deadline, capped at {@link DispatcherConfig#coordinatorTimeout()},
 * and is cancelled with the caller's call (it runs in the caller's gRPC {@link Context}). Blocking;
 * called on gRPC worker threads; thread-safe.
 */
@Singleton
public class CheckpointControl {

    @Inject
    JobRegistry registry;

    @Inject
    GrpcChannels channels;

    @Inject
    DispatcherConfig config;

    @Inject
    io.flowmesh.cluster.ha.HighAvailabilityOptions haOptions;

    @Inject
    io.flowmesh.cluster.ha.HighAvailabilityServices haServices;

    /** Where the leading coordinator is: the configured address, or with HA the one its lease names. */
    private volatile io.flowmesh.cluster.ha.LeaderLocator coordinator;

    private String coordinatorAddress() {
        if (coordinator == null) {
            coordinator = io.flowmesh.cluster.ha.LeaderLocator.create(haOptions, haServices, config.coordinatorAddress(),
                    io.flowmesh.cluster.ha.LeaderLocator.COORDINATOR);
        }
        return coordinator.address();
    }

    /** {@code flowmesh savepoint}: type SAVEPOINT unless the request names a stop type. */
    public TriggerSavepointResponse triggerSavepoint(TriggerSavepointRequest request) {
        CheckpointType type = switch (request.getType()) {
            case CHECKPOINT_TYPE_UNSPECIFIED, SAVEPOINT -> CheckpointType.SAVEPOINT;
            case SAVEPOINT_STOP, SAVEPOINT_STOP_DRAIN -> request.getType();
            default -> throw Status.INVALID_ARGUMENT.withDescription("savepoint type " + request.getType()
                    + " is not one of SAVEPOINT, SAVEPOINT_STOP, SAVEPOINT_STOP_DRAIN (periodic checkpoints are the coordinator's)")
                    .asRuntimeException();
        };
        requireNotTerminal(request.getJobId(), "cannot trigger a savepoint");
        TriggerSavepointRequest forwarded = request.toBuilder().setType(type).build();
        return call("TriggerSavepoint", stub -> stub.triggerSavepoint(forwarded));
    }

    /** {@code flowmesh stop}: SAVEPOINT_STOP, or SAVEPOINT_STOP_DRAIN when the request says so. */
    public TriggerSavepointResponse stopJob(TriggerSavepointRequest request) {
        CheckpointType type = switch (request.getType()) {
            case CHECKPOINT_TYPE_UNSPECIFIED, SAVEPOINT_STOP -> CheckpointType.SAVEPOINT_STOP;
            case SAVEPOINT_STOP_DRAIN -> CheckpointType.SAVEPOINT_STOP_DRAIN;
            default -> throw Status.INVALID_ARGUMENT.withDescription("StopJob takes type SAVEPOINT_STOP or SAVEPOINT_STOP_DRAIN, not "
                    + request.getType()).asRuntimeException();
        };
        requireNotTerminal(request.getJobId(), "nothing to stop");
        TriggerSavepointRequest forwarded = request.toBuilder().setType(type).build();
        return call("TriggerSavepoint", stub -> stub.triggerSavepoint(forwarded));
    }

    public SavepointStatus savepointStatus(SavepointStatusRequest request) {
        requireKnown(request.getJobId());
        return call("GetSavepointStatus", stub -> stub.getSavepointStatus(request));
    }

    public CheckpointHistory listCheckpoints(ListCheckpointsRequest request) {
        JobStatus status = requireKnown(request.getJobId());
        try {
            return call("ListCheckpoints", stub -> stub.listCheckpoints(request));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND && LifecycleEvents.isTerminal(status)) {
                return CheckpointHistory.newBuilder().setJobId(request.getJobId()).build();
            }
            throw e;
        }
    }

    private JobStatus requireKnown(String jobId) {
        return registry.status(jobId).orElseThrow(() -> Status.NOT_FOUND.withDescription("no job with id '" + jobId + "'")
                .asRuntimeException());
    }

    private void requireNotTerminal(String jobId, String consequence) {
        JobStatus status = requireKnown(jobId);
        if (LifecycleEvents.isTerminal(status)) {
            throw Status.FAILED_PRECONDITION.withDescription("job " + jobId + " is already " + status + "; " + consequence)
                    .asRuntimeException();
        }
    }

    private <T> T call(String method, Function<CheckpointCoordinatorServiceGrpc.CheckpointCoordinatorServiceBlockingStub, T> call) {
        String address = coordinatorAddress();
        Deadline deadline = Deadline.after(config.coordinatorTimeout().toMillis(), TimeUnit.MILLISECONDS);
        Deadline callers = Context.current().getDeadline();
        if (callers != null) {
            deadline = deadline.minimum(callers);
        }
        try {
            return call.apply(CheckpointCoordinatorServiceGrpc.newBlockingStub(channels.get(address)).withDeadline(deadline));
        } catch (StatusRuntimeException e) {
            throw translate(e.getStatus(), address, method);
        }
    }

    /**
     * The caller's view of a failed coordinator call: transport failures (a client-side status with
     * a cause, or grpc's own connection messages) become UNAVAILABLE naming the coordinator; the
     * coordinator's own statuses pass unchanged.
     */
    static StatusRuntimeException translate(Status status, String address, String method) {
        String description = status.getDescription();
        return switch (status.getCode()) {
            case UNAVAILABLE -> transportFailure(status)
                    ? Status.UNAVAILABLE.withDescription("checkpoint coordinator at " + address + " unreachable: " + why(status)).asRuntimeException()
                    : status.asRuntimeException();
            // the connection broke under a call (the coordinator died): grpc reports it as UNKNOWN
            // "channel closed" with the client-side cause; a status sent by the server has no cause
            case UNKNOWN -> status.getCause() != null || "channel closed".equals(description)
                    ? Status.UNAVAILABLE.withDescription("checkpoint coordinator at " + address + " unreachable: " + why(status)).asRuntimeException()
                    : status.asRuntimeException();
            case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED.withDescription("checkpoint coordinator at " + address
                    + " did not answer " + method + " in time (" + description + ")").asRuntimeException();
            case UNIMPLEMENTED -> Status.UNIMPLEMENTED.withDescription("checkpoint coordinator at " + address + " does not implement "
                    + method + " (" + description + ")").asRuntimeException();
            default -> Status.fromCode(status.getCode()).withDescription(description).asRuntimeException();
        };
    }

    private static boolean transportFailure(Status status) {
        String d = status.getDescription();
        return status.getCause() != null || d == null || d.startsWith("io exception") || d.startsWith("Network closed")
                || d.startsWith("Connection closed") || d.startsWith("Unable to resolve host");
    }

    private static String why(Status status) {
        Throwable t = status.getCause();
        if (t == null) {
            return status.getDescription() == null ? "no answer" : status.getDescription();
        }
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
