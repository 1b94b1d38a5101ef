package io.flowmesh.dispatcher.rest;

import io.flowmesh.cluster.rpc.GrpcChannels;
import io.flowmesh.dispatcher.DispatcherConfig;
import io.flowmesh.proto.CancelJobResponse;
import io.flowmesh.proto.ClusterOverview;
import io.flowmesh.proto.Empty;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.JobManagerServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * The REST API's calls to the JobManager (the same gRPC client the dispatcher's gRPC service uses):
 * the cluster overview (TaskManagers, slots) and cancel. A JobManager that does not answer is
 * UNAVAILABLE naming its address. Blocking; thread-safe.
 */
@Singleton
public class JobManagerView {
    @Inject
    GrpcChannels channels;

    @Inject
    DispatcherConfig config;

    @Inject
    io.flowmesh.cluster.ha.LeaderLocator jobManagerLeader;

    public ClusterOverview clusterOverview() {
        return call(stub -> stub.getClusterOverview(Empty.getDefaultInstance()));
    }

    public CancelJobResponse cancel(String jobId) {
        return call(stub -> stub.cancelJob(JobIdRequest.newBuilder().setJobId(jobId).build()));
    }

    private <T> T call(java.util.function.Function<JobManagerServiceGrpc.JobManagerServiceBlockingStub, T> call) {
        try {
            return call.apply(JobManagerServiceGrpc.newBlockingStub(channels.get(jobManagerLeader.address())).withDeadlineAfter(10, TimeUnit.SECONDS));
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.UNKNOWN) {
                throw Status.UNAVAILABLE.withDescription("JobManager at " + jobManagerLeader.address() + " unreachable: " + code + " "
                        + e.getStatus().getDescription()).asRuntimeException();
            }
            throw e;
        }
    }
}
