package io.flowmesh.coordinator.rpc;

import io.flowmesh.coordinator.CheckpointCoordinator;
import io.flowmesh.proto.CheckpointCoordinatorServiceGrpc;
import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.ListCheckpointsRequest;
import io.flowmesh.proto.SavepointStatus;
import io.flowmesh.proto.SavepointStatusRequest;
import io.flowmesh.proto.TriggerSavepointRequest;
import io.flowmesh.proto.TriggerSavepointResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.function.Supplier;

/** The coordinator's gRPC endpoint; see {@code coordinator.proto} for the contract. */
@GrpcService
@Blocking
public class CoordinatorGrpcService extends CheckpointCoordinatorServiceGrpc.CheckpointCoordinatorServiceImplBase {
    @Inject
    CheckpointCoordinator coordinator;

    @Override
    public void triggerSavepoint(TriggerSavepointRequest r, StreamObserver<TriggerSavepointResponse> out) {
        answer(out, () -> coordinator.triggerSavepoint(r.getJobId(), r.getTargetDirectory(), r.getType()));
    }

    @Override
    public void getSavepointStatus(SavepointStatusRequest r, StreamObserver<SavepointStatus> out) {
        answer(out, () -> coordinator.savepointStatus(r.getJobId(), r.getCheckpointId()));
    }

    @Override
    public void listCheckpoints(ListCheckpointsRequest r, StreamObserver<CheckpointHistory> out) {
        answer(out, () -> coordinator.listCheckpoints(r.getJobId()));
    }

    private static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }
}
