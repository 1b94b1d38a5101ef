package io.flowmesh.e2e;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.ArtifactChunk;
import io.flowmesh.proto.DispatcherServiceGrpc;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.SubmitJobRequest;
import io.flowmesh.proto.SubmitJobResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A plain gRPC client of the dispatcher, as any user's program would write one. */
final class DispatcherClient implements AutoCloseable {
    final ManagedChannel channel;
    final DispatcherServiceGrpc.DispatcherServiceBlockingStub blocking;

    DispatcherClient(String address) {
        channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
        blocking = DispatcherServiceGrpc.newBlockingStub(channel);
    }

    DispatcherServiceGrpc.DispatcherServiceBlockingStub stub() {
        return blocking.withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    Artifact upload(byte[] bytes, String fileName) throws Exception {
        CompletableFuture<Artifact> result = new CompletableFuture<>();
        StreamObserver<ArtifactChunk> chunks = DispatcherServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                .uploadArtifact(new StreamObserver<>() {
                    @Override
                    public void onNext(Artifact value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        int chunk = 64 * 1024;
        for (int off = 0; off < bytes.length || off == 0; off += chunk) {
            chunks.onNext(ArtifactChunk.newBuilder().setFileName(off == 0 ? fileName : "")
                    .setData(ByteString.copyFrom(bytes, off, Math.min(chunk, bytes.length - off))).build());
            if (bytes.length == 0) {
                break;
            }
        }
        chunks.onCompleted();
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    Artifact upload(Path jar) throws Exception {
        return upload(Files.readAllBytes(jar), jar.getFileName().toString());
    }

    SubmitJobResponse submit(String artifactUri, String entryClass, int parallelism, List<String> args) {
        return stub().submitJob(SubmitJobRequest.newBuilder().setArtifactUri(artifactUri).setEntryClass(entryClass)
                .setParallelism(parallelism).addAllArgs(args).build());
    }

    JobDetails awaitTerminal(String jobId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobDetails d = stub().getJob(JobIdRequest.newBuilder().setJobId(jobId).build());
            JobStatus s = d.getSummary().getStatus();
            if (s == JobStatus.FINISHED || s == JobStatus.FAILED || s == JobStatus.CANCELED) {
                return d;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " still " + s + " after " + timeout + ": " + d);
            }
            Thread.sleep(200);
        }
    }

    JobDetails awaitStatus(String jobId, JobStatus status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobDetails d = stub().getJob(JobIdRequest.newBuilder().setJobId(jobId).build());
            if (d.getSummary().getStatus() == status) {
                return d;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " did not reach " + status + " within " + timeout + ": " + d);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
