package io.flowmesh.dispatcher;

import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.cluster.rpc.GrpcChannels;
import io.flowmesh.dispatcher.registry.JobRegistry;
import io.flowmesh.proto.CancelJobResponse;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.JobManagerServiceGrpc;
import io.flowmesh.proto.JobStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * Cancelling a job, for the gRPC API and the command topic alike: checked against the
 * {@link JobRegistry} (NOT_FOUND naming the id, FAILED_PRECONDITION naming a terminal state), then
 * forwarded to the JobManager with a 10 s deadline (or the caller's earlier one, through the gRPC
 * context). Blocking; thread-safe.
 */
@Singleton
public class JobControl {

    @Inject
    JobRegistry registry;

    @Inject
    GrpcChannels channels;

    @Inject
    DispatcherConfig config;

    @Inject
    io.flowmesh.cluster.ha.LeaderLocator jobManagerLeader;

    public CancelJobResponse cancel(String jobId) {
        JobStatus status = registry.status(jobId).orElseThrow(() -> unknownJob(jobId));
        if (LifecycleEvents.isTerminal(status)) {
            throw Status.FAILED_PRECONDITION.withDescription("job " + jobId + " is already " + status + "; nothing to cancel")
                    .asRuntimeException();
        }
        try {
            return JobManagerServiceGrpc.newBlockingStub(channels.get(jobManagerLeader.address())).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .cancelJob(JobIdRequest.newBuilder().setJobId(jobId).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                throw Status.UNAVAILABLE.withDescription("JobManager at " + jobManagerLeader.address() + " unreachable: "
                        + e.getStatus().getDescription()).asRuntimeException();
            }
            throw e;
        }
    }

    /** NOT_FOUND {@code no job with id '<id>'}. */
    public static StatusRuntimeException unknownJob(String jobId) {
        return Status.NOT_FOUND.withDescription("no job with id '" + jobId + "'").asRuntimeException();
    }
}
