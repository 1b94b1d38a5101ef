package io.flowmesh.jobmanager.rpc;

import io.flowmesh.jobmanager.JobManagerConfig;
import io.flowmesh.jobmanager.resourcemanager.TaskManagerRegistry;
import io.flowmesh.jobmanager.scheduler.Scheduler;
import io.flowmesh.proto.CancelJobResponse;
import io.flowmesh.proto.ClusterOverview;
import io.flowmesh.proto.Empty;
import io.flowmesh.proto.FailJobRequest;
import io.flowmesh.proto.HeartbeatRequest;
import io.flowmesh.proto.HeartbeatResponse;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.JobManagerServiceGrpc;
import io.flowmesh.proto.JobSubmission;
import io.flowmesh.proto.RegisterTaskManagerRequest;
import io.flowmesh.proto.RegisterTaskManagerResponse;
import io.flowmesh.proto.TaskExecutionStateUpdate;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionException;

/** The JobManager's gRPC endpoint; see {@code jobmanager.proto} for the contract. */
@GrpcService
@Blocking
public class JobManagerGrpcService extends JobManagerServiceGrpc.JobManagerServiceImplBase {
    @Inject
    TaskManagerRegistry registry;

    @Inject
    Scheduler scheduler;

    @Inject
    JobManagerConfig config;

    @Inject
    io.flowmesh.jobmanager.ha.JobManagerLeadership leadership;

    @Override
    public void registerTaskManager(RegisterTaskManagerRequest r, StreamObserver<RegisterTaskManagerResponse> out) {
        if (!scheduler.leading()) {
            out.onError(scheduler.notLeading());
            return;
        }
        if (r.getTaskmanagerId().isBlank() || r.getNumberOfSlots() < 1) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("a TaskManager needs an id and at least one slot").asRuntimeException());
            return;
        }
        registry.register(r.getTaskmanagerId(), r.getRpcAddress(), r.getDataAddress(), r.getNumberOfSlots());
        out.onNext(RegisterTaskManagerResponse.newBuilder().setJobmanagerId(leadership.enabled() ? "jobmanager@" + leadership.advertisedAddress() : "jobmanager")
                .setHeartbeatIntervalMs(config.heartbeatInterval().toMillis()).build());
        out.onCompleted();
    }

    @Override
    public void heartbeat(HeartbeatRequest r, StreamObserver<HeartbeatResponse> out) {
        if (!scheduler.leading()) {
            out.onError(scheduler.notLeading());
            return;
        }
        out.onNext(HeartbeatResponse.newBuilder().setKnown(registry.heartbeat(r.getTaskmanagerId())).build());
        out.onCompleted();
    }

    @Override
    public void updateTaskExecutionState(TaskExecutionStateUpdate r, StreamObserver<Empty> out) {
        if (!scheduler.leading()) {
            out.onError(scheduler.notLeading());
            return;
        }
        scheduler.updateTaskExecutionState(r);
        out.onNext(Empty.getDefaultInstance());
        out.onCompleted();
    }

    @Override
    public void submitJob(JobSubmission r, StreamObserver<Empty> out) {
        try {
            scheduler.submitJob(r).join();
            out.onNext(Empty.getDefaultInstance());
            out.onCompleted();
        } catch (CompletionException e) {
            out.onError(e.getCause() instanceof StatusRuntimeException s ? s : Status.INTERNAL.withDescription(e.getCause().toString()).asRuntimeException());
        }
    }

    @Override
    public void cancelJob(JobIdRequest r, StreamObserver<CancelJobResponse> out) {
        if (!scheduler.leading()) {
            out.onError(scheduler.notLeading());
            return;
        }
        var status = scheduler.cancelJob(r.getJobId()).join();
        if (status.isEmpty()) {
            out.onError(Status.NOT_FOUND.withDescription("the JobManager runs no job " + r.getJobId()).asRuntimeException());
            return;
        }
        out.onNext(CancelJobResponse.newBuilder().setStatus(status.get()).build());
        out.onCompleted();
    }

    @Override
    public void failJob(FailJobRequest r, StreamObserver<Empty> out) {
        if (!scheduler.leading()) {
            out.onError(scheduler.notLeading());
            return;
        }
        if (!scheduler.failJob(r.getJobId(), r.getAttempt(), r.getCause()).join()) {
            out.onError(Status.NOT_FOUND.withDescription("the JobManager runs no job " + r.getJobId()).asRuntimeException());
            return;
        }
        out.onNext(Empty.getDefaultInstance());
        out.onCompleted();
    }

    @Override
    public void getClusterOverview(Empty r, StreamObserver<ClusterOverview> out) {
        out.onNext(ClusterOverview.newBuilder().addAllTaskmanagers(registry.describe())
                .setSlotsTotal(registry.slotsTotal()).setSlotsAvailable(registry.slotsFree()).build());
        out.onCompleted();
    }
}
