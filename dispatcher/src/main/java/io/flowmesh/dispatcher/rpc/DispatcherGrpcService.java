package io.flowmesh.dispatcher.rpc;

import io.flowmesh.cluster.rpc.GrpcChannels;
import io.flowmesh.cluster.storage.ArtifactStore;
import io.flowmesh.dispatcher.DispatcherConfig;
import io.flowmesh.dispatcher.JobControl;
import io.flowmesh.dispatcher.JobSubmitter;
import io.flowmesh.dispatcher.checkpoint.CheckpointControl;
import io.flowmesh.dispatcher.registry.JobRegistry;
import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.ArtifactChunk;
import io.flowmesh.proto.CancelJobResponse;
import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.ClusterOverview;
import io.flowmesh.proto.DispatcherServiceGrpc;
import io.flowmesh.proto.Empty;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobEventsRequest;
import io.flowmesh.proto.JobEventsResponse;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.JobManagerServiceGrpc;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.ListJobsRequest;
import io.flowmesh.proto.ListCheckpointsRequest;
import io.flowmesh.proto.ListJobsResponse;
import io.flowmesh.proto.SavepointStatus;
import io.flowmesh.proto.SavepointStatusRequest;
import io.flowmesh.proto.SubmitJobRequest;
import io.flowmesh.proto.SubmitJobResponse;
import io.flowmesh.proto.TriggerSavepointRequest;
import io.flowmesh.proto.TriggerSavepointResponse;
import io.flowmesh.proto.WatchJobsRequest;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The dispatcher's public gRPC API; see {@code dispatcher.proto} for the contract of each call.
 * Unary calls run on worker threads ({@code @Blocking}); a call whose deadline passed, or that the
 * client cancelled, before it runs is answered DEADLINE_EXCEEDED/CANCELLED without doing anything.
 */
@GrpcService
@Blocking
public class DispatcherGrpcService extends DispatcherServiceGrpc.DispatcherServiceImplBase {
    private static final Logger LOG = Logger.getLogger(DispatcherGrpcService.class);
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    @Inject
    JobSubmitter submitter;

    @Inject
    JobRegistry registry;

    @Inject
    ArtifactStore artifacts;

    @Inject
    GrpcChannels channels;

    @Inject
    DispatcherConfig config;

    @Inject
    io.flowmesh.cluster.ha.LeaderLocator jobManagerLeader;

    @Inject
    CheckpointControl checkpoints;

    @Inject
    JobControl jobControl;

    @Override
    public StreamObserver<ArtifactChunk> uploadArtifact(StreamObserver<Artifact> out) {
        return new StreamObserver<>() {
            private Path file;
            private OutputStream stream;
            private String name = "artifact";
            private long size;
            private boolean failed;

            @Override
            public void onNext(ArtifactChunk chunk) {
                if (failed) {
                    return;
                }
                try {
                    if (stream == null) {
                        if (!chunk.getFileName().isBlank()) {
                            name = chunk.getFileName();
                        }
                        Files.createDirectories(submitter.artifactCache());
                        file = Files.createTempFile(submitter.artifactCache(), "upload-", ".jar");
                        stream = Files.newOutputStream(file);
                    }
                    size += chunk.getData().size();
                    if (size > config.maxArtifactBytes()) {
                        fail(Status.INVALID_ARGUMENT.withDescription(name + " is larger than the limit of " + config.maxArtifactBytes() + " bytes"));
                        return;
                    }
                    chunk.getData().writeTo(stream);
                } catch (IOException e) {
                    fail(Status.INTERNAL.withDescription("cannot buffer the upload: " + e.getMessage()));
                }
            }

            private void fail(Status status) {
                failed = true;
                cleanUp();
                out.onError(status.asRuntimeException());
            }

            private void cleanUp() {
                try {
                    if (stream != null) {
                        stream.close();
                    }
                    if (file != null) {
                        Files.deleteIfExists(file);
                    }
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }

            @Override
            public void onError(Throwable t) {
                cleanUp();
            }

            @Override
            public void onCompleted() {
                if (failed) {
                    return;
                }
                try {
                    if (stream == null) {
                        fail(Status.INVALID_ARGUMENT.withDescription("the upload was empty"));
                        return;
                    }
                    stream.close();
                    byte[] head = new byte[4];
                    int n;
                    try (var in = Files.newInputStream(file)) {
                        n = in.readNBytes(head, 0, 4);
                    }
                    if (n < 4 || !java.util.Arrays.equals(head, ZIP_MAGIC)) {
                        fail(Status.INVALID_ARGUMENT.withDescription(name + " is not a jar file (it does not start with the zip signature)"));
                        return;
                    }
                    ArtifactStore.StoredArtifact stored = artifacts.store(file);
                    LOG.infof("stored artifact %s (%d bytes) as %s", name, stored.size(), stored.uri());
                    out.onNext(Artifact.newBuilder().setUri(stored.uri()).setSha256(stored.sha256()).setSizeBytes(stored.size()).build());
                    out.onCompleted();
                } catch (IOException e) {
                    fail(Status.INTERNAL.withDescription("cannot read the upload: " + e.getMessage()));
                } catch (RuntimeException e) {
                    fail(Status.UNAVAILABLE.withDescription("cannot store " + name + " in S3: " + e.getMessage()));
                } finally {
                    cleanUp();
                }
            }
        };
    }

    @Override
    public void submitJob(SubmitJobRequest request, StreamObserver<SubmitJobResponse> out) {
        answer(out, () -> submitter.submit(request));
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> out) {
        answer(out, () -> ListJobsResponse.newBuilder().addAllJobs(registry.list(request.getIncludeTerminal())).build());
    }

    @Override
    public void getJob(JobIdRequest request, StreamObserver<JobDetails> out) {
        answer(out, () -> registry.details(request.getJobId()).orElseThrow(() -> JobControl.unknownJob(request.getJobId())));
    }

    @Override
    public void cancelJob(JobIdRequest request, StreamObserver<CancelJobResponse> out) {
        answer(out, () -> jobControl.cancel(request.getJobId()));
    }

    @Override
    public void watchJobs(WatchJobsRequest request, StreamObserver<LifecycleEvent> out) {
        if (refuseIfGone(out)) {
            return;
        }
        JobWatch.start(registry, request, out);
    }

    @Override
    public void getJobEvents(JobEventsRequest request, StreamObserver<JobEventsResponse> out) {
        answer(out, () -> JobEventsResponse.newBuilder()
                .addAllEvents(registry.events(request.getJobId()).orElseThrow(() -> JobControl.unknownJob(request.getJobId()))).build());
    }

    @Override
    public void getClusterOverview(Empty request, StreamObserver<ClusterOverview> out) {
        answer(out, () -> {
            try {
                return JobManagerServiceGrpc.newBlockingStub(channels.get(jobManagerLeader.address())).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getClusterOverview(request).toBuilder().putAllJobsByStatus(registry.jobsByStatus()).build();
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                    throw Status.UNAVAILABLE.withDescription("JobManager at " + jobManagerLeader.address() + " unreachable: "
                            + e.getStatus().getDescription()).asRuntimeException();
                }
                throw e;
            }
        });
    }

    @Override
    public void triggerSavepoint(TriggerSavepointRequest request, StreamObserver<TriggerSavepointResponse> out) {
        answer(out, () -> checkpoints.triggerSavepoint(request));
    }

    @Override
    public void getSavepointStatus(SavepointStatusRequest request, StreamObserver<SavepointStatus> out) {
        answer(out, () -> checkpoints.savepointStatus(request));
    }

    @Override
    public void stopJob(TriggerSavepointRequest request, StreamObserver<TriggerSavepointResponse> out) {
        answer(out, () -> checkpoints.stopJob(request));
    }

    @Override
    public void listCheckpoints(ListCheckpointsRequest request, StreamObserver<CheckpointHistory> out) {
        answer(out, () -> checkpoints.listCheckpoints(request));
    }

    /** Answers DEADLINE_EXCEEDED/CANCELLED and returns true when the caller no longer waits. */
    private static boolean refuseIfGone(StreamObserver<?> out) {
        Context context = Context.current();
        Deadline deadline = context.getDeadline();
        if (deadline != null && deadline.isExpired()) {
            out.onError(Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed before the dispatcher could run it; nothing was done")
                    .asRuntimeException());
            return true;
        }
        if (context.isCancelled()) {
            out.onError(Status.CANCELLED.withDescription("the call was cancelled before the dispatcher could run it; nothing was done")
                    .asRuntimeException());
            return true;
        }
        return false;
    }

    static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
        if (refuseIfGone(out)) {
            return;
        }
        T result;
        try {
            result = call.get();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        } catch (RuntimeException e) {
            LOG.error("unexpected failure", e);
            out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }
}
