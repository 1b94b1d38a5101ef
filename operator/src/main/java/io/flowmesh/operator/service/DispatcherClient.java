package io.flowmesh.operator.service;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.ArtifactChunk;
import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.CheckpointStats;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.DispatcherServiceGrpc;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.ListCheckpointsRequest;
import io.flowmesh.proto.SavepointStatus;
import io.flowmesh.proto.SavepointStatusRequest;
import io.flowmesh.proto.SubmitJobRequest;
import io.flowmesh.proto.TriggerSavepointRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The dispatcher's gRPC API for one cluster, as the operator uses it. Blocking calls with a
 * deadline; every failure becomes a {@link ClusterServiceException} naming the cluster, the job and
 * the call. Thread-safe (gRPC channels and stubs are); {@link #close()} shuts the channel down.
 */
final class DispatcherClient implements AutoCloseable {
    private static final int CHUNK = 1 << 20;

    private final ClusterId cluster;
    private final ManagedChannel channel;
    private final Duration timeout;

    DispatcherClient(ClusterId cluster, String address, Duration timeout) {
        this.cluster = cluster;
        int colon = address.lastIndexOf(':');
        this.channel = NettyChannelBuilder.forAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))
                .usePlaintext().maxInboundMessageSize(64 << 20).build();
        this.timeout = timeout;
    }

    private DispatcherServiceGrpc.DispatcherServiceBlockingStub stub() {
        return DispatcherServiceGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * s3:// jars are submitted as they are; http(s):// jars are downloaded and uploaded first. Jars
     * inside the image (local://) cannot be read by the operator.
     */
    String submit(JobSubmission s) {
        String artifact = artifactUri(s.jarUri());
        SubmitJobRequest.Builder request = SubmitJobRequest.newBuilder()
                .setArtifactUri(artifact)
                .setParallelism(s.parallelism())
                .addAllArgs(s.args())
                .putAllConfiguration(s.configuration())
                .setAllowNonRestoredState(s.allowNonRestoredState());
        if (s.entryClass() != null) {
            request.setEntryClass(s.entryClass());
        }
        if (s.restorePath() != null) {
            request.setSavepointPath(s.restorePath());
        }
        try {
            return stub().submitJob(request.build()).getJobId();
        } catch (StatusRuntimeException e) {
            throw fail("submitting " + s.jarUri(), null, e);
        }
    }

    private String artifactUri(String jarUri) {
        URI uri = URI.create(jarUri);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        switch (scheme) {
            case "s3":
                return jarUri;
            case "http":
            case "https":
                return upload(uri);
            default:
                throw new ClusterServiceException("Cluster " + cluster + ": jarURI " + jarUri + " is not supported: use s3:// "
                        + "(a jar in the cluster's S3) or http(s):// (the operator uploads it); local:// jars inside the image "
                        + "are not supported by Flowmesh's dispatcher");
        }
    }

    private String upload(URI uri) {
        try {
            HttpResponse<InputStream> response = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                    .send(HttpRequest.newBuilder(uri).timeout(timeout).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new ClusterServiceException("Cluster " + cluster + ": downloading jar " + uri + " answered HTTP " + response.statusCode());
            }
            CompletableFuture<Artifact> done = new CompletableFuture<>();
            StreamObserver<ArtifactChunk> upload = DispatcherServiceGrpc.newStub(channel)
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .uploadArtifact(new StreamObserver<>() {
                        @Override public void onNext(Artifact a) { done.complete(a); }
                        @Override public void onError(Throwable t) { done.completeExceptionally(t); }
                        @Override public void onCompleted() { }
                    });
            String fileName = uri.getPath().substring(uri.getPath().lastIndexOf('/') + 1);
            try (InputStream in = response.body()) {
                byte[] buffer = new byte[CHUNK];
                boolean first = true;
                int n;
                while ((n = in.readNBytes(buffer, 0, CHUNK)) > 0) {
                    ArtifactChunk.Builder chunk = ArtifactChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, n));
                    if (first) {
                        chunk.setFileName(fileName);
                        first = false;
                    }
                    upload.onNext(chunk.build());
                }
            }
            upload.onCompleted();
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS).getUri();
        } catch (ClusterServiceException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterServiceException("Cluster " + cluster + ": interrupted uploading " + uri, e);
        } catch (Exception e) {
            throw new ClusterServiceException("Cluster " + cluster + ": uploading jar " + uri + " failed: " + e.getMessage(), e);
        }
    }

    void cancel(String jobId) {
        try {
            stub().cancelJob(JobIdRequest.newBuilder().setJobId(jobId).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION) { // already terminal
                throw fail("cancelling", jobId, e);
            }
        }
    }

    /** Returns the savepoint's checkpoint id (its trigger id). */
    long savepoint(String jobId, String dir, boolean stop) {
        TriggerSavepointRequest request = TriggerSavepointRequest.newBuilder().setJobId(jobId).setTargetDirectory(dir)
                .setType(stop ? CheckpointType.SAVEPOINT_STOP : CheckpointType.SAVEPOINT).build();
        try {
            return (stop ? stub().stopJob(request) : stub().triggerSavepoint(request)).getCheckpointId();
        } catch (StatusRuntimeException e) {
            throw fail(stop ? "stopping with savepoint" : "triggering a savepoint", jobId, e);
        }
    }

    SavepointStatus savepointStatus(String jobId, long checkpointId) {
        try {
            return stub().getSavepointStatus(SavepointStatusRequest.newBuilder().setJobId(jobId).setCheckpointId(checkpointId).build());
        } catch (StatusRuntimeException e) {
            throw fail("polling savepoint " + checkpointId, jobId, e);
        }
    }

    Optional<JobDetails> job(String jobId) {
        try {
            return Optional.of(stub().getJob(JobIdRequest.newBuilder().setJobId(jobId).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw fail("reading the status of", jobId, e);
        }
    }

    Optional<CheckpointStats> latestCompletedCheckpoint(String jobId) {
        try {
            CheckpointHistory history = stub().listCheckpoints(ListCheckpointsRequest.newBuilder().setJobId(jobId).build());
            return history.getCheckpointsList().stream()
                    .filter(c -> c.getStatus() == CheckpointStatus.CHECKPOINT_COMPLETED)
                    .max(Comparator.comparingLong(CheckpointStats::getCheckpointId));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw fail("listing checkpoints of", jobId, e);
        }
    }

    private ClusterServiceException fail(String what, String jobId, StatusRuntimeException e) {
        return new ClusterServiceException("Cluster " + cluster + ": " + what + (jobId == null ? "" : " job " + jobId)
                + " failed: " + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
