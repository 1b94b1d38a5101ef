package io.flowmesh.cli;

import com.google.protobuf.ByteString;
import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.ArtifactChunk;
import io.flowmesh.proto.CancelJobResponse;
import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.ClusterOverview;
import io.flowmesh.proto.Empty;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.WatchJobsRequest;
import io.flowmesh.proto.WatchStart;
import io.flowmesh.proto.DispatcherServiceGrpc;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobEventsRequest;
import io.flowmesh.proto.JobEventsResponse;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.ListCheckpointsRequest;
import io.flowmesh.proto.ListJobsRequest;
import io.flowmesh.proto.ListJobsResponse;
import io.flowmesh.proto.SubmitJobRequest;
import io.flowmesh.proto.SavepointStatus;
import io.flowmesh.proto.SavepointStatusRequest;
import io.flowmesh.proto.SubmitJobResponse;
import io.flowmesh.proto.TriggerSavepointRequest;
import io.flowmesh.proto.TriggerSavepointResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.util.Iterator;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The CLI's side of {@code DispatcherService}: one plaintext channel to {@code host:port}, a
 * deadline on every call ({@link #CALL_DEADLINE}; {@link #SUBMIT_DEADLINE} for upload and submit),
 * and every gRPC failure turned into a {@link CliException} whose message says what failed and why
 * ({@code cannot reach the dispatcher at host:port} when nothing answers). With a token, every call
 * carries {@code authorization: Bearer <token>}.
 *
 * <p>Blocking; one caller thread at a time. Close it to shut the channel down.
 */
public final class DispatcherClient implements AutoCloseable {

    public static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
    public static final Duration SUBMIT_DEADLINE = Duration.ofSeconds(120);
    /** Artifact upload chunk size. */
    public static final int CHUNK_BYTES = 1 << 20;

    private final String address;
    private final ManagedChannel channel;
    private final DispatcherServiceGrpc.DispatcherServiceBlockingStub blocking;
    private final DispatcherServiceGrpc.DispatcherServiceStub async;

    public DispatcherClient(String address) {
        this(address, null);
    }

    /** @param token the dispatcher's bearer token ({@code $FLOWMESH_TOKEN}); null or blank: none */
    public DispatcherClient(String address, String token) {
        this.address = address;
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            port = -1;
        }
        if (colon <= 0 || port < 1 || port > 65535) {
            throw new CliException("invalid dispatcher address '" + address + "': expected host:port", 2);
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        this.channel = NettyChannelBuilder.forAddress(new InetSocketAddress(host, port))
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        DispatcherServiceGrpc.DispatcherServiceBlockingStub b = DispatcherServiceGrpc.newBlockingStub(channel);
        DispatcherServiceGrpc.DispatcherServiceStub a = DispatcherServiceGrpc.newStub(channel);
        if (token != null && !token.isBlank()) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token.strip());
            b = b.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            a = a.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        this.blocking = b;
        this.async = a;
    }

    public String address() {
        return address;
    }

    /** Streams the jar in {@link #CHUNK_BYTES} chunks, the file name on the first, as the server asks for them. */
    public Artifact upload(Path jar) {
        String what = "could not upload " + jar.getFileName();
        CompletableFuture<Artifact> result = new CompletableFuture<>();
        InputStream in;
        try {
            in = Files.newInputStream(jar);
        } catch (IOException e) {
            throw new CliException(what + ": " + e.getMessage());
        }
        try (in) {
            async.withDeadlineAfter(SUBMIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                    .uploadArtifact(new Upload(jar.getFileName().toString(), in, result));
            return result.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CliException c) {
                throw new CliException(what + ": " + c.getMessage());
            }
            if (cause instanceof StatusRuntimeException s) {
                throw failure(what, s, SUBMIT_DEADLINE);
            }
            throw failure(what, Status.fromThrowable(cause).asRuntimeException(), SUBMIT_DEADLINE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(what + ": interrupted");
        } catch (IOException e) {
            throw new CliException(what + ": " + e.getMessage());
        }
    }

    public SubmitJobResponse submit(SubmitJobRequest request) {
        return call("could not submit the job", SUBMIT_DEADLINE,
                () -> blocking.withDeadlineAfter(SUBMIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).submitJob(request));
    }

    public ListJobsResponse listJobs(boolean includeTerminal) {
        return call("could not list jobs", CALL_DEADLINE, () -> stub().listJobs(
                ListJobsRequest.newBuilder().setIncludeTerminal(includeTerminal).build()));
    }

    public JobDetails getJob(String jobId) {
        return call("could not get job " + jobId, CALL_DEADLINE,
                () -> stub().getJob(JobIdRequest.newBuilder().setJobId(jobId).build()));
    }

    public CancelJobResponse cancel(String jobId) {
        return call("could not cancel job " + jobId, CALL_DEADLINE,
                () -> stub().cancelJob(JobIdRequest.newBuilder().setJobId(jobId).build()));
    }

    public JobEventsResponse events(String jobId) {
        String what = jobId.isEmpty() ? "could not read the job events" : "could not read the events of job " + jobId;
        return call(what, CALL_DEADLINE,
                () -> stub().getJobEvents(JobEventsRequest.newBuilder().setJobId(jobId).build()));
    }

    /** Starts a savepoint of the job into {@code targetDirectory} (empty: the cluster's savepoint directory). */
    public TriggerSavepointResponse triggerSavepoint(String jobId, String targetDirectory) {
        TriggerSavepointRequest request = TriggerSavepointRequest.newBuilder().setJobId(jobId).setTargetDirectory(targetDirectory)
                .setType(CheckpointType.SAVEPOINT).build();
        return call("could not trigger a savepoint of job " + jobId, CALL_DEADLINE, () -> stub().triggerSavepoint(request));
    }

    /** Starts a stop-with-savepoint; {@code drain}: SAVEPOINT_STOP_DRAIN, else SAVEPOINT_STOP. */
    public TriggerSavepointResponse stop(String jobId, String targetDirectory, boolean drain) {
        TriggerSavepointRequest request = TriggerSavepointRequest.newBuilder().setJobId(jobId).setTargetDirectory(targetDirectory)
                .setType(drain ? CheckpointType.SAVEPOINT_STOP_DRAIN : CheckpointType.SAVEPOINT_STOP).build();
        return call("could not stop job " + jobId, CALL_DEADLINE, () -> stub().stopJob(request));
    }

    public SavepointStatus savepointStatus(String jobId, long checkpointId) {
        SavepointStatusRequest request = SavepointStatusRequest.newBuilder().setJobId(jobId).setCheckpointId(checkpointId).build();
        return call("could not get the status of savepoint " + checkpointId + " of job " + jobId, CALL_DEADLINE,
                () -> stub().getSavepointStatus(request));
    }

    public CheckpointHistory listCheckpoints(String jobId) {
        return call("could not list the checkpoints of job " + jobId, CALL_DEADLINE,
                () -> stub().listCheckpoints(ListCheckpointsRequest.newBuilder().setJobId(jobId).build()));
    }

    public ClusterOverview overview() {
        return call("could not get the cluster overview", CALL_DEADLINE, () -> stub().getClusterOverview(Empty.getDefaultInstance()));
    }

    /**
     * Follows lifecycle events (WatchJobs): hands each to {@code sink} as it arrives, without a deadline,
     * until the stream ends (a one-job stream ends after the job's terminal status).
     */
    public void watch(String jobId, boolean fromNow, java.util.function.Consumer<LifecycleEvent> sink) {
        String what = jobId.isEmpty() ? "could not watch the jobs" : "could not watch job " + jobId;
        WatchJobsRequest request = WatchJobsRequest.newBuilder().setJobId(jobId)
                .setStart(fromNow ? WatchStart.WATCH_FROM_NOW : WatchStart.WATCH_FROM_BEGINNING).build();
        try {
            Iterator<LifecycleEvent> events = blocking.watchJobs(request);
            while (events.hasNext()) {
                sink.accept(events.next());
            }
        } catch (StatusRuntimeException e) {
            throw failure(what, e, CALL_DEADLINE);
        }
    }

    private DispatcherServiceGrpc.DispatcherServiceBlockingStub stub() {
        return blocking.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private <T> T call(String what, Duration deadline, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw failure(what, e, deadline);
        }
    }

    /** {@code <what>: <why>}, where a transport failure reads {@code cannot reach the dispatcher at host:port}. */
    CliException failure(String what, StatusRuntimeException e, Duration deadline) {
        return new CliException(what + ": " + describe(e.getStatus(), address, deadline));
    }

    /** The status as a person reads it. */
    static String describe(Status status, String address, Duration deadline) {
        String description = status.getDescription();
        switch (status.getCode()) {
            case UNAVAILABLE:
                // a refused or broken connection has a cause (or grpc's "io exception"); the server's own
                // UNAVAILABLE (JobManager, Kafka or S3 unreachable) carries its description
                if (status.getCause() != null || description == null || description.startsWith("io exception")
                        || description.startsWith("Network closed") || description.startsWith("Connection closed")) {
                    return "cannot reach the dispatcher at " + address + rootMessage(status.getCause());
                }
                return description;
            case DEADLINE_EXCEEDED:
                return "the dispatcher at " + address + " did not answer within " + deadline.toSeconds() + " s";
            default:
                return description == null || description.isBlank() ? status.getCode().name() : description;
        }
    }

    private static String rootMessage(Throwable t) {
        if (t == null) {
            return "";
        }
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return "";
        }
        // netty's "Connection refused: /127.0.0.1:1" -> "connection refused"
        int colon = message.indexOf(':');
        return " (" + (colon > 0 ? message.substring(0, colon) : message).toLowerCase(java.util.Locale.ROOT) + ")";
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends chunks only while the transport is ready (gRPC's manual flow control), so that a large
     * jar is never buffered whole. Runs on gRPC's executor threads.
     */
    private static final class Upload implements ClientResponseObserver<ArtifactChunk, Artifact> {
        private final String fileName;
        private final InputStream in;
        private final CompletableFuture<Artifact> result;
        private ClientCallStreamObserver<ArtifactChunk> requests;
        private boolean first = true;
        private boolean done;

        Upload(String fileName, InputStream in, CompletableFuture<Artifact> result) {
            this.fileName = fileName;
            this.in = in;
            this.result = result;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ArtifactChunk> requestStream) {
            this.requests = requestStream;
            requestStream.setOnReadyHandler(this::pump);
        }

        private synchronized void pump() {
            try {
                while (!done && requests.isReady()) {
                    byte[] bytes = in.readNBytes(CHUNK_BYTES);
                    if (bytes.length == 0 && !first) {
                        done = true;
                        requests.onCompleted();
                        return;
                    }
                    ArtifactChunk.Builder chunk = ArtifactChunk.newBuilder().setData(ByteString.copyFrom(bytes));
                    if (first) {
                        chunk.setFileName(fileName);
                        first = false;
                    }
                    requests.onNext(chunk.build());
                    if (bytes.length < CHUNK_BYTES) {
                        done = true;
                        requests.onCompleted();
                    }
                }
            } catch (IOException e) {
                done = true;
                result.completeExceptionally(new CliException("cannot read the file: " + e.getMessage()));
                requests.cancel("cannot read the file", e);
            }
        }

        @Override
        public void onNext(Artifact artifact) {
            result.complete(artifact);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            result.completeExceptionally(new StatusRuntimeException(
                    Status.INTERNAL.withDescription("the dispatcher closed the upload without an answer")));
        }
    }
}
