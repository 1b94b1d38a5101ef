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
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A plain gRPC client of the dispatcher, as any user's program would write one. With high
 * availability it fails over as the CLI does: {@code addresses} may name several dispatchers
 * (comma-separated); {@link #submit}, {@link #awaitTerminal} and {@link #awaitStatus} send a call
 * that found no dispatcher, or that a standby refused ({@code UNAVAILABLE}, the leader named in the
 * trailer {@code flowmesh-dispatcher-leader}), to the named leader or the next address, for up to
 * 60 s; a submission carries a job id chosen here, so retrying it after a broken connection is safe.
 * With one address and no standby's answer, nothing is retried.
 */
final class DispatcherClient implements AutoCloseable {
    static final Metadata.Key<String> LEADER = Metadata.Key.of("flowmesh-dispatcher-leader", Metadata.ASCII_STRING_MARSHALLER);
    private static final Duration FAILOVER = Duration.ofSeconds(60);

    private final List<String> addresses;
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private String current;
    ManagedChannel channel;
    DispatcherServiceGrpc.DispatcherServiceBlockingStub blocking;

    DispatcherClient(String addresses) {
        this.addresses = List.of(addresses.split(","));
        use(this.addresses.get(0));
    }

    private void use(String address) {
        current = address;
        channel = channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a).usePlaintext().build());
        blocking = DispatcherServiceGrpc.newBlockingStub(channel);
    }

    /** The dispatcher the last call went to. */
    String address() {
        return current;
    }

    DispatcherServiceGrpc.DispatcherServiceBlockingStub stub() {
        return blocking.withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    /** Runs the call, failing over as the class comment says. */
    <T> T withFailover(Function<DispatcherServiceGrpc.DispatcherServiceBlockingStub, T> call) {
        long until = System.nanoTime() + FAILOVER.toNanos();
        int retries = 0;
        while (true) {
            try {
                return call.apply(stub());
            } catch (StatusRuntimeException e) {
                Metadata trailers = Status.trailersFromThrowable(e);
                String leader = trailers == null ? null : trailers.get(LEADER);
                String description = String.valueOf(e.getStatus().getDescription());
                boolean standby = e.getStatus().getCode() == Status.Code.UNAVAILABLE && description.contains("is a standby");
                boolean transport = e.getStatus().getCode() == Status.Code.UNAVAILABLE && !standby;
                if (!(standby || (transport && addresses.size() > 1)) || System.nanoTime() > until) {
                    throw e;
                }
                use(leader != null && !leader.equals(current) ? leader : addresses.get((addresses.indexOf(current) + 1) % addresses.size()));
                if (++retries >= addresses.size()) {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }
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
        SubmitJobRequest request = SubmitJobRequest.newBuilder().setArtifactUri(artifactUri).setEntryClass(entryClass)
                .setParallelism(parallelism).addAllArgs(args).setJobId(UUID.randomUUID().toString().replace("-", "")).build();
        return withFailover(s -> s.submitJob(request));
    }

    JobDetails awaitTerminal(String jobId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobDetails d = withFailover(stub -> stub.getJob(JobIdRequest.newBuilder().setJobId(jobId).build()));
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
            JobDetails d = withFailover(stub -> stub.getJob(JobIdRequest.newBuilder().setJobId(jobId).build()));
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
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
