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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
 * The CLI's side of {@code DispatcherService}: a plaintext channel per dispatcher address, a
 * deadline on every call ({@link #CALL_DEADLINE}; {@link #SUBMIT_DEADLINE} for upload and submit),
 * and every gRPC failure turned into a {@link CliException} whose message says what failed and why
 * ({@code cannot reach the dispatcher at host:port} when nothing answers). With a token, every call
 * carries {@code authorization: Bearer <token>}.
 *
 * <p>Failover (high availability): {@code addresses} may name several dispatchers, comma-separated.
 * A call that could not reach the dispatcher it tried (connection refused), or that a standby
 * refused ({@code UNAVAILABLE} with the trailer {@value #LEADER_TRAILER}), is sent to the leader the
 * standby named, else to the next address, for at most {@link #FAILOVER_TIMEOUT}; then it fails
 * with the last error. A call whose connection broke after it was sent (the dispatcher died
 * mid-call) is retried only where that is safe: uploads (content-addressed), reads and submissions
 * — every submission carries a job id chosen here, and a dispatcher answers a job id it knows with
 * that job instead of running it again. Cancel, savepoint and stop are not retried then: the
 * error says the outcome is unknown. With one address and no standby's answer, nothing is retried
 * (as before high availability).
 *
 * <p>Blocking; one caller thread at a time. Close it to shut the channels down.
 */
public final class DispatcherClient implements AutoCloseable {

    public static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
    public static final Duration SUBMIT_DEADLINE = Duration.ofSeconds(120);
    /** How long a call keeps trying other dispatchers after the first failure that allows it. */
    public static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);
    /** The trailer in which a standby dispatcher names the leader's {@code host:port}. */
    public static final String LEADER_TRAILER = "flowmesh-dispatcher-leader";
    private static final Metadata.Key<String> LEADER_KEY = Metadata.Key.of(LEADER_TRAILER, Metadata.ASCII_STRING_MARSHALLER);
    /** Artifact upload chunk size. */
    public static final int CHUNK_BYTES = 1 << 20;

    private final List<String> addresses;
    private final String token;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private String current;
    private DispatcherServiceGrpc.DispatcherServiceBlockingStub blocking;
    private DispatcherServiceGrpc.DispatcherServiceStub async;

    /** One dispatcher: its channel and stubs. */
    private record Endpoint(ManagedChannel channel, DispatcherServiceGrpc.DispatcherServiceBlockingStub blocking,
            DispatcherServiceGrpc.DispatcherServiceStub async) {}

    public DispatcherClient(String address) {
        this(address, null);
    }

    /**
     * @param addresses one {@code host:port}, or several comma-separated (the dispatchers of a cluster with high availability)
     * @param token the dispatcher's bearer token ({@code $FLOWMESH_TOKEN}); null or blank: none
     */
    public DispatcherClient(String addresses, String token) {
        List<String> list = new ArrayList<>();
        for (String a : addresses.split(",")) {
            if (!a.isBlank()) {
                list.add(a.strip());
            }
        }
        if (list.isEmpty()) {
            throw new CliException("invalid dispatcher address '" + addresses + "': expected host:port", 2);
        }
        this.addresses = List.copyOf(list);
        this.token = token;
        for (String a : this.addresses) {
            endpoint(a); // validates every address now
        }
        use(this.addresses.get(0));
    }

    private Endpoint endpoint(String address) {
        Endpoint e = endpoints.get(address);
        if (e != null) {
            return e;
        }
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException ex) {
            port = -1;
        }
        if (colon <= 0 || port < 1 || port > 65535) {
            throw new CliException("invalid dispatcher address '" + address + "': expected host:port", 2);
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        ManagedChannel channel = NettyChannelBuilder.forAddress(new InetSocketAddress(host, port))
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
        e = new Endpoint(channel, b, a);
        endpoints.put(address, e);
        return e;
    }

    private void use(String address) {
        Endpoint e = endpoint(address);
        current = address;
        blocking = e.blocking();
        async = e.async();
    }

    /** The dispatcher the last call went to (the first address before any call). */
    public String address() {
        return current;
    }

    /** Every address this client was given. */
    public List<String> addresses() {
        return addresses;
    }

    /** Streams the jar in {@link #CHUNK_BYTES} chunks, the file name on the first, as the server asks for them. */
    public Artifact upload(Path jar) {
        String what = "could not upload " + jar.getFileName();
        return call(what, SUBMIT_DEADLINE, true, () -> uploadOnce(jar, what));
    }

    private Artifact uploadOnce(Path jar, String what) {
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
                throw s;
            }
            throw Status.fromThrowable(cause).asRuntimeException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(what + ": interrupted");
        } catch (IOException e) {
            throw new CliException(what + ": " + e.getMessage());
        }
    }

    /**
     * Submits the job. Without a job id in the request, one is chosen here, so that the submission
     * can be retried on another dispatcher without running the job twice.
     */
    public SubmitJobResponse submit(SubmitJobRequest request) {
        SubmitJobRequest withId = request.getJobId().isEmpty()
                ? request.toBuilder().setJobId(UUID.randomUUID().toString().replace("-", "")).build() : request;
        return call("could not submit the job", SUBMIT_DEADLINE, true,
                () -> blocking.withDeadlineAfter(SUBMIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).submitJob(withId));
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
        return call("could not cancel job " + jobId, CALL_DEADLINE, false,
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
        return call("could not trigger a savepoint of job " + jobId, CALL_DEADLINE, false, () -> stub().triggerSavepoint(request));
    }

    /** Starts a stop-with-savepoint; {@code drain}: SAVEPOINT_STOP_DRAIN, else SAVEPOINT_STOP. */
    public TriggerSavepointResponse stop(String jobId, String targetDirectory, boolean drain) {
        TriggerSavepointRequest request = TriggerSavepointRequest.newBuilder().setJobId(jobId).setTargetDirectory(targetDirectory)
                .setType(drain ? CheckpointType.SAVEPOINT_STOP_DRAIN : CheckpointType.SAVEPOINT_STOP).build();
        return call("could not stop job " + jobId, CALL_DEADLINE, false, () -> stub().stopJob(request));
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
        boolean[] started = {false};
        call(what, CALL_DEADLINE, false, () -> {
            Iterator<LifecycleEvent> events = blocking.watchJobs(request);
            while (events.hasNext()) {
                LifecycleEvent e = events.next();
                started[0] = true;
                sink.accept(e);
            }
            return started[0];
        });
    }

    private DispatcherServiceGrpc.DispatcherServiceBlockingStub stub() {
        return blocking.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A read: safe to retry on another dispatcher whatever happened. */
    private <T> T call(String what, Duration deadline, Supplier<T> call) {
        return call(what, deadline, true, call);
    }

    /**
     * Runs {@code call} on the current dispatcher, failing over as the class comment says;
     * {@code idempotent}: the call may also be retried when its connection broke after it was sent.
     */
    private <T> T call(String what, Duration deadline, boolean idempotent, Supplier<T> call) {
        long until = 0;
        int failuresWithoutHint = 0;
        while (true) {
            try {
                return call.get();
            } catch (StatusRuntimeException e) {
                Optional<String> leader = leaderHint(e).filter(a -> !a.equals(current));
                boolean standby = isStandbyRefusal(e);
                boolean unreached = neverReached(e.getStatus());
                boolean broken = !unreached && connectionBroke(e.getStatus());
                boolean canFailOver = leader.isPresent() || (standby || unreached || (broken && idempotent))
                        && (addresses.size() > 1 || standby);
                if (!canFailOver) {
                    throw failure(what, e, deadline, broken && !idempotent);
                }
                long now = System.nanoTime();
                if (until == 0) {
                    until = now + FAILOVER_TIMEOUT.toNanos();
                } else if (now > until) {
                    throw new CliException(what + ": " + describe(e.getStatus(), current, deadline) + " (tried "
                            + String.join(", ", endpoints.keySet()) + " for " + FAILOVER_TIMEOUT.toSeconds() + " s)");
                }
                if (leader.isPresent()) {
                    use(leader.get());
                } else {
                    failuresWithoutHint++;
                    use(addresses.get((addresses.indexOf(current) + 1) % addresses.size()));
                    if (failuresWithoutHint % addresses.size() == 0) {
                        sleepBeforeRetry(); // a whole round failed: a failover is in progress
                    }
                }
            }
        }
    }

    private static void sleepBeforeRetry() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /** The leader a standby named in its refusal. */
    static Optional<String> leaderHint(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers() != null ? e.getTrailers() : Status.trailersFromThrowable(e);
        return Optional.ofNullable(trailers == null ? null : trailers.get(LEADER_KEY)).map(String::strip).filter(a -> !a.isEmpty());
    }

    /** A standby's refusal: it did nothing. */
    static boolean isStandbyRefusal(StatusRuntimeException e) {
        String d = e.getStatus().getDescription();
        return e.getStatus().getCode() == Status.Code.UNAVAILABLE && (leaderHint(e).isPresent() || d != null && d.contains("is a standby"));
    }

    /** The call never reached a dispatcher: the connection could not be opened. */
    static boolean neverReached(Status status) {
        if (status.getCode() != Status.Code.UNAVAILABLE) {
            return false;
        }
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** The transport failed after the call may have been sent (the dispatcher died or the connection was cut). */
    static boolean connectionBroke(Status status) {
        if (status.getCode() != Status.Code.UNAVAILABLE) {
            return false;
        }
        String d = status.getDescription();
        return status.getCause() != null || d == null || d.startsWith("io exception") || d.startsWith("Network closed")
                || d.startsWith("Connection closed");
    }

    /** {@code <what>: <why>}, where a transport failure reads {@code cannot reach the dispatcher at host:port}. */
    CliException failure(String what, StatusRuntimeException e, Duration deadline) {
        return failure(what, e, deadline, false);
    }

    /** {@code outcomeUnknown}: the connection broke after the call was sent, so it may have been done. */
    private CliException failure(String what, StatusRuntimeException e, Duration deadline, boolean outcomeUnknown) {
        return new CliException(what + ": " + describe(e.getStatus(), current, deadline)
                + (outcomeUnknown ? " (the connection broke after the request was sent: it may have been done; check with `flowmesh list`)" : ""));
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
        endpoints.values().forEach(e -> e.channel().shutdownNow());
        try {
            for (Endpoint e : endpoints.values()) {
                e.channel().awaitTermination(2, TimeUnit.SECONDS);
            }
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
