package io.flowmesh.dispatcher;

import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.config.S3Config;
import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.cluster.events.LifecyclePublisher;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.cluster.rpc.GrpcChannels;
import io.flowmesh.cluster.storage.ArtifactStore;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.dispatcher.ha.DispatcherLeadership;
import io.flowmesh.dispatcher.plan.PlanExtractionException;
import io.flowmesh.dispatcher.plan.PlanExtractor;
import io.flowmesh.dispatcher.registry.JobRegistry;
import io.flowmesh.engine.graph.InvalidJobGraphException;
import io.flowmesh.engine.graph.JobGraphBuilder;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobManagerServiceGrpc;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobSubmission;
import io.flowmesh.proto.JobSubmitted;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.SubmitJobRequest;
import io.flowmesh.proto.SubmitJobResponse;
import io.flowmesh.proto.VertexSummary;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A job's way in: fetch the jar, extract the pipeline, build and store the JobGraph, announce the job
 * on the lifecycle topic, and hand it to the JobManager. Every refusal is a gRPC status whose
 * description names the problem; nothing is stored or announced for a refused submission.
 *
 * <p>The caller's deadline (the gRPC {@link Context} of the calling thread, if any) bounds the plan
 * extraction, and a call whose deadline passed or that was cancelled before the job is stored stops
 * there with DEADLINE_EXCEEDED/CANCELLED: nothing is submitted. Every outcome is counted in
 * {@link DispatcherMetrics}.
 *
 * <p>A submission may carry the job id its client chose ({@code job_id}): then a retry of it (the
 * client lost the answer, or the dispatcher died mid-submission and the client asks the new leader)
 * never runs the job twice. A job id already known — its JobGraph is in S3 or the registry has it —
 * is <em>resumed</em> instead of submitted again: the JobGraph stored by the first attempt is
 * announced if the lifecycle topic does not have it yet and handed to the JobManager if it does not
 * run yet (the JobManager refuses a job id it has: ALREADY_EXISTS, taken as accepted), and the
 * answer names that job. Fencing: with high availability every step that stores, announces or
 * hands over a job first checks that this dispatcher still leads ({@link DispatcherLeadership}).
 */
@Singleton
public class JobSubmitter {
    private static final Logger LOG = Logger.getLogger(JobSubmitter.class);

    @Inject
    DispatcherConfig config;

    @Inject
    io.flowmesh.cluster.ha.LeaderLocator jobManagerLeader;

    @Inject
    S3Config s3;

    @Inject
    KafkaConfig kafka;

    @Inject
    Topics topics;

    @Inject
    BlobStore blobStore;

    @Inject
    ArtifactStore artifacts;

    @Inject
    JobRegistry registry;

    @Inject
    GrpcChannels channels;

    @Inject
    DispatcherMetrics metrics;

    @Inject
    DispatcherLeadership leadership;

    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");
    /** Job ids being submitted right now on this dispatcher (a concurrent retry waits for the first attempt). */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private LifecyclePublisher publisher;
    private Path artifactCache;

    void onStart(@Observes StartupEvent ev) {
        publisher = new LifecyclePublisher(kafka.bootstrapServers(), topics, "flowmesh-dispatcher");
        artifactCache = Path.of(System.getProperty("java.io.tmpdir"), "flowmesh-dispatcher-" + ProcessHandle.current().pid(), "artifacts");
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (publisher != null) {
            publisher.close();
        }
    }

    public Path artifactCache() {
        return artifactCache;
    }

    /** Submits the job; throws a {@link StatusRuntimeException} naming the problem when it is refused. */
    public SubmitJobResponse submit(SubmitJobRequest request) {
        try {
            SubmitJobResponse response = doSubmit(request);
            metrics.submission(null);
            return response;
        } catch (StatusRuntimeException e) {
            metrics.submission(e.getStatus().getCode());
            throw e;
        } catch (RuntimeException e) {
            metrics.submission(Status.Code.INTERNAL);
            throw e;
        }
    }

    /** DEADLINE_EXCEEDED or CANCELLED when the caller gave up, naming {@code what} was not done. */
    private static void requireCallerWaiting(String what) {
        Context context = Context.current();
        if (context.isCancelled()) {
            Deadline deadline = context.getDeadline();
            Status status = deadline != null && deadline.isExpired() ? Status.DEADLINE_EXCEEDED : Status.CANCELLED;
            throw status.withDescription("the caller's " + (status == Status.DEADLINE_EXCEEDED ? "deadline passed" : "call was cancelled")
                    + " before " + what + "; nothing was submitted").asRuntimeException();
        }
    }

    private SubmitJobResponse doSubmit(SubmitJobRequest request) {
        requireCallerWaiting("the submission started");
        leadership.requireLeading("accept submissions");
        if (request.getParallelism() < 0) {
            throw invalid("parallelism must be positive, was " + request.getParallelism());
        }
        String requestedId = request.getJobId().strip();
        if (!requestedId.isEmpty() && !JOB_ID.matcher(requestedId).matches()) {
            throw invalid("job id '" + requestedId + "' is not 32 lowercase hex characters");
        }
        String jobId = requestedId.isEmpty() ? UUID.randomUUID().toString().replace("-", "") : requestedId;
        if (!inFlight.add(jobId)) {
            throw Status.UNAVAILABLE.withDescription("job " + jobId + " is being submitted right now by an earlier call; retry to get its answer")
                    .asRuntimeException();
        }
        try {
            if (!requestedId.isEmpty() && (registry.contains(jobId) || graphStored(jobId))) {
                return resume(jobId, request);
            }
            return doSubmit(request, jobId);
        } finally {
            inFlight.remove(jobId);
        }
    }

    private static String graphKey(S3Config s3, String jobId) {
        return s3.haDir() + "/jobgraphs/" + jobId + ".pb";
    }

    private boolean graphStored(String jobId) {
        try {
            return blobStore.exists(graphKey(s3, jobId));
        } catch (RuntimeException e) {
            throw Status.UNAVAILABLE.withDescription("cannot check in S3 whether job " + jobId + " was submitted before: " + e.getMessage())
                    .asRuntimeException();
        }
    }

    /**
     * A submission whose job id is known already (a retry): finishes what the first attempt did not
     * (announce, hand over) and answers with that job; never extracts or starts a second job.
     */
    private SubmitJobResponse resume(String jobId, SubmitJobRequest request) {
        String graphKey = graphKey(s3, jobId);
        Optional<byte[]> bytes;
        try {
            bytes = blobStore.get(graphKey);
        } catch (RuntimeException e) {
            throw Status.UNAVAILABLE.withDescription("cannot read the job graph of job " + jobId + ": " + e.getMessage()).asRuntimeException();
        }
        if (bytes.isEmpty()) {
            throw Status.ALREADY_EXISTS.withDescription("job id " + jobId + " is in use by a job whose JobGraph is gone; choose another job id")
                    .asRuntimeException();
        }
        JobGraph graph;
        try {
            graph = JobGraph.parseFrom(bytes.get());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("the stored job graph of job " + jobId + " is malformed: " + e.getMessage()).asRuntimeException();
        }
        SubmitJobResponse response = SubmitJobResponse.newBuilder().setJobId(jobId).setJobName(graph.getJobName()).build();
        Optional<JobStatus> status = registry.status(jobId);
        if (status.isPresent() && status.get() != JobStatus.CREATED) {
            LOG.infof("job %s (%s) was submitted before (%s): answering with it, nothing submitted again", jobId, graph.getJobName(), status.get());
            return response;
        }
        String graphUri = blobStore.uri(graphKey);
        if (status.isEmpty()) {
            // the first attempt stored the graph and stopped before announcing it
            announce(jobId, graph, request.getArtifactUri(), graphUri);
        }
        handOver(jobId, graphUri, request, true);
        LOG.infof("job %s (%s) was submitted before and not yet running: handed to the JobManager now", jobId, graph.getJobName());
        return response;
    }

    private static List<VertexSummary> vertices(JobGraph graph) {
        return graph.getVerticesList().stream()
                .map(v -> VertexSummary.newBuilder().setVertexId(v.getVertexId()).setName(v.getName()).setParallelism(v.getParallelism()).build())
                .toList();
    }

    /** Publishes JobSubmitted and CREATED and registers the job. */
    private void announce(String jobId, JobGraph graph, String artifactUri, String graphUri) {
        List<VertexSummary> vertices = vertices(graph);
        leadership.requireLeading("announce jobs");
        try {
            publisher.publish(LifecycleEvent.newBuilder().setJobId(jobId).setTimestampMs(System.currentTimeMillis()).setReporter("dispatcher")
                    .setJobSubmitted(JobSubmitted.newBuilder().setJobName(graph.getJobName()).setArtifactUri(artifactUri)
                            .setEntryClass(graph.getEntryClass()).setJobGraphUri(graphUri).addAllVertices(vertices))
                    .build());
            publisher.publish(LifecycleEvents.jobStatus(jobId, "dispatcher", JobStatus.JOB_STATUS_UNSPECIFIED, JobStatus.CREATED, 0, null));
        } catch (RuntimeException e) {
            throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
        }
        registry.registerSubmitted(jobId, graph.getJobName(), artifactUri, graph.getEntryClass(), vertices);
    }

    /**
     * Hands the job to the leading JobManager; on a refusal publishes FAILED and throws.
     * {@code resumed}: ALREADY_EXISTS means an earlier attempt handed it over already (accepted).
     */
    private void handOver(String jobId, String graphUri, SubmitJobRequest request, boolean resumed) {
        JobSubmission submission = JobSubmission.newBuilder().setJobId(jobId).setJobGraphUri(graphUri)
                .setSavepointPath(request.getSavepointPath().strip()).setAllowNonRestoredState(request.getAllowNonRestoredState()).build();
        leadership.requireLeading("hand jobs to the JobManager");
        try {
            JobManagerServiceGrpc.newBlockingStub(channels.get(jobManagerLeader.address())).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .submitJob(submission);
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (resumed && code == Status.Code.ALREADY_EXISTS) {
                return;
            }
            boolean refused = code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED
                    && code != Status.Code.UNKNOWN && code != Status.Code.INTERNAL && code != Status.Code.CANCELLED;
            String cause = refused
                    // the JobManager refused the job (a savepoint it cannot restore, ...): its words, its code
                    ? String.valueOf(e.getStatus().getDescription())
                    : "the JobManager at " + jobManagerLeader.address() + " did not accept the job: " + code + " " + e.getStatus().getDescription();
            if (leadership.leading()) {
                publisher.publish(LifecycleEvents.jobStatus(jobId, "dispatcher", JobStatus.CREATED, JobStatus.FAILED, 0, cause));
            }
            throw (refused ? Status.fromCode(code) : Status.UNAVAILABLE).withDescription(cause).asRuntimeException();
        }
    }

    private SubmitJobResponse doSubmit(SubmitJobRequest request, String jobId) {
        String uri = request.getArtifactUri();
        if (artifacts.keyOf(uri).isEmpty()) {
            throw invalid("artifact URI '" + uri + "' is not an s3:// URI of bucket " + blobStore.bucket() + " (upload the jar first)");
        }
        Path jar;
        try {
            jar = artifacts.fetch(uri, artifactCache);
        } catch (FileNotFoundException e) {
            throw Status.NOT_FOUND.withDescription("no artifact at " + uri).asRuntimeException();
        } catch (IOException | RuntimeException e) {
            throw Status.UNAVAILABLE.withDescription("cannot fetch " + uri + " from S3: " + e.getMessage()).asRuntimeException();
        }
        // the job runs this very jar, even if the object behind the user's URI is overwritten later (a
        // restart or a TaskManager that joins late): the graph names its content-addressed copy
        String pinnedUri;
        try {
            pinnedUri = artifacts.store(jar).uri();
        } catch (IOException | RuntimeException e) {
            throw Status.UNAVAILABLE.withDescription("cannot keep a copy of " + uri + " in S3: " + e.getMessage()).asRuntimeException();
        }
        String jarName = uri.substring(uri.lastIndexOf('/') + 1);
        Map<String, String> conf = new HashMap<>(request.getConfigurationMap());
        if (request.getParallelism() > 0) {
            conf.put("parallelism.default", Integer.toString(request.getParallelism()));
        }
        JobGraph graph;
        String output;
        Duration extractionTimeout = config.planExtractionTimeout();
        Deadline callers = Context.current().getDeadline();
        if (callers != null) {
            extractionTimeout = Duration.ofMillis(Math.max(1, Math.min(extractionTimeout.toMillis(), callers.timeRemaining(TimeUnit.MILLISECONDS))));
        }
        try (PlanExtractor.ExtractedPlan plan = PlanExtractor.extract(jar, jarName, request.getEntryClass(), request.getArgsList(), conf,
                extractionTimeout)) {
            output = plan.programOutput();
            graph = JobGraphBuilder.build(jobId, plan.pipeline(), pinnedUri, plan.entryClass());
        } catch (PlanExtractionException e) {
            throw Status.fromCode(e.code()).withDescription(e.getMessage()).asRuntimeException();
        } catch (InvalidJobGraphException e) {
            throw invalid("invalid job: " + e.getMessage());
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription(e.toString()).asRuntimeException();
        }

        requireCallerWaiting("job " + jobId + " (" + graph.getJobName() + ") was stored");
        String graphKey = graphKey(s3, jobId);
        leadership.requireLeading("store jobs");
        try {
            blobStore.put(graphKey, graph.toByteArray());
        } catch (RuntimeException e) {
            throw Status.UNAVAILABLE.withDescription("cannot store the job graph: " + e.getMessage()).asRuntimeException();
        }
        String graphUri = blobStore.uri(graphKey);
        announce(jobId, graph, uri, graphUri);
        handOver(jobId, graphUri, request, false);
        JobSubmission submission = JobSubmission.newBuilder().setSavepointPath(request.getSavepointPath().strip())
                .setAllowNonRestoredState(request.getAllowNonRestoredState()).build();
        if (submission.getSavepointPath().isEmpty()) {
            LOG.infof("submitted job %s (%s) from %s", jobId, graph.getJobName(), jarName);
        } else {
            LOG.infof("submitted job %s (%s) from %s, restoring from %s%s", jobId, graph.getJobName(), jarName, submission.getSavepointPath(),
                    submission.getAllowNonRestoredState() ? " (allowNonRestoredState)" : "");
        }
        return SubmitJobResponse.newBuilder().setJobId(jobId).setJobName(graph.getJobName()).setProgramOutput(output).build();
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
