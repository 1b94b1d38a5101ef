package io.flowmesh.taskmanager;

import io.flowmesh.proto.CancelJobTasksRequest;
import io.flowmesh.proto.Empty;
import io.flowmesh.proto.TaskDeploymentDescriptor;
import io.flowmesh.proto.TaskExecutorServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;

/** The TaskManager's control endpoint; see {@code taskmanager.proto}. */
@GrpcService
@Blocking
public class TaskExecutorGrpcService extends TaskExecutorServiceGrpc.TaskExecutorServiceImplBase {
    @Inject
    TaskExecutor executor;

    @Override
    public void submitTask(TaskDeploymentDescriptor tdd, StreamObserver<Empty> out) {
        if (tdd.getJobId().isEmpty() || tdd.getOperatorChain().isEmpty()) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("a deployment descriptor needs a job id and an operator chain").asRuntimeException());
            return;
        }
        if (executor.isFenced(tdd.getLeaderEpoch())) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("deployment of " + tdd.getVertexName() + " refused: it comes from JobManager leader epoch "
                    + tdd.getLeaderEpoch() + ", older than the leader this TaskManager follows (epoch " + executor.leaderEpoch() + ")").asRuntimeException());
            return;
        }
        executor.submitTask(tdd);
        out.onNext(Empty.getDefaultInstance());
        out.onCompleted();
    }

    @Override
    public void cancelJobTasks(CancelJobTasksRequest r, StreamObserver<Empty> out) {
        if (executor.isFenced(r.getLeaderEpoch())) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("cancellation of job " + r.getJobId() + " refused: it comes from JobManager leader epoch "
                    + r.getLeaderEpoch() + ", older than the leader this TaskManager follows (epoch " + executor.leaderEpoch() + ")").asRuntimeException());
            return;
        }
        executor.cancelJobTasks(r.getJobId(), r.getAttempt());
        out.onNext(Empty.getDefaultInstance());
        out.onCompleted();
    }
}
