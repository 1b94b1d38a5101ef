package io.flowmesh.dispatcher;

import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.config.S3Config;
import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.cluster.events.LifecyclePublisher;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.cluster.rpc.GrpcChannels;
import io.flowmesh.cluster.storage.ArtifactStore;
import io.flowmesh.cluster.storage.BlobStore;
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
import java.util.UUID;
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
        if (request.getParallelism() < 0) {
            throw invalid("parallelism must be positive, was " + request.getParallelism());
        }
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
        String jobId = UUID.randomUUID().toString().replace("-", "");
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
        String graphKey = s3.haDir() + "/jobgraphs/" + jobId + ".pb";
        try {
            blobStore.put(graphKey, graph.toByteArray());
        } catch (RuntimeException e) {
            throw Status.UNAVAILABLE.withDescription("cannot store the job graph: " + e.getMessage()).asRuntimeException();
        }
        String graphUri = blobStore.uri(graphKey);
        List<VertexSummary> vertices = graph.getVerticesList().stream()
                .map(v -> VertexSummary.newBuilder().setVertexId(v.getVertexId()).setName(v.getName()).setParallelism(v.getParallelism()).build())
                .toList();
        try {
            publisher.publish(LifecycleEvent.newBuilder().setJobId(jobId).setTimestampMs(System.currentTimeMillis()).setReporter("dispatcher")
                    .setJobSubmitted(JobSubmitted.newBuilder().setJobName(graph.getJobName()).setArtifactUri(uri)
                            .setEntryClass(graph.getEntryClass()).setJobGraphUri(graphUri).addAllVertices(vertices))
                    .build());
            publisher.publish(LifecycleEvents.jobStatus(jobId, "dispatcher", JobStatus.JOB_STATUS_UNSPECIFIED, JobStatus.CREATED, 0, null));
        } catch (RuntimeException e) {
            throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
        }
        registry.registerSubmitted(jobId, graph.getJobName(), uri, graph.getEntryClass(), vertices);
        JobSubmission submission = JobSubmission.newBuilder().setJobId(jobId).setJobGraphUri(graphUri)
                .setSavepointPath(request.getSavepointPath().strip()).setAllowNonRestoredState(request.getAllowNonRestoredState()).build();
        try {
            JobManagerServiceGrpc.newBlockingStub(channels.get(jobManagerLeader.address())).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .submitJob(submission);
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            boolean refused = code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED
                    && code != Status.Code.UNKNOWN && code != Status.Code.INTERNAL && code != Status.Code.CANCELLED;
            String cause = refused
                    // the JobManager refused the job (a savepoint it cannot restore, ...): its words, its code
                    ? String.valueOf(e.getStatus().getDescription())
                    : "the JobManager at " + jobManagerLeader.address() + " did not accept the job: " + code + " " + e.getStatus().getDescription();
            publisher.publish(LifecycleEvents.jobStatus(jobId, "dispatcher", JobStatus.CREATED, JobStatus.FAILED, 0, cause));
            throw (refused ? Status.fromCode(code) : Status.UNAVAILABLE).withDescription(cause).asRuntimeException();
        }
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
