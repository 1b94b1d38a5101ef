package io.flowmesh.dispatcher.rest;

import io.flowmesh.cluster.checkpoint.CheckpointSettings;
import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.dispatcher.checkpoint.CheckpointControl;
import io.flowmesh.dispatcher.registry.JobRegistry;
import io.flowmesh.dispatcher.rest.metrics.MetricFetcher;
import io.flowmesh.dispatcher.rest.metrics.SubtaskMetrics;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobSummary;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.ListCheckpointsRequest;
import io.flowmesh.proto.SubtaskDetails;
import io.flowmesh.proto.TaskManagerInfo;
import io.flowmesh.proto.VertexDetails;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Flink's job REST paths under {@code /jobs}; see docs/rest-api.md for each field's source. */
@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {
    @Inject
    JobRegistry registry;

    @Inject
    JobViews views;

    @Inject
    JobGraphs graphs;

    @Inject
    JobManagerView jobManager;

    @Inject
    CheckpointControl checkpoints;

    @Inject
    SavepointOperations savepoints;

    @Inject
    MetricFetcher metrics;

    @Inject
    BlobStore blobStore;

    @GET
    public RestModel.JobIdsWithStatusOverview jobs() {
        return new RestModel.JobIdsWithStatusOverview(registry.list(true).stream()
                .map(s -> new RestModel.JobIdWithStatus(s.getJobId(), JobViews.state(s.getStatus()))).toList());
    }

    @GET
    @Path("overview")
    public RestModel.MultipleJobsDetails overview() {
        long now = System.currentTimeMillis();
        List<RestModel.JobOverview> jobs = new ArrayList<>();
        for (JobSummary s : registry.list(true)) {
            jobs.add(views.overview(s, now, views.lastModification(s.getJobId(), s)));
        }
        return new RestModel.MultipleJobsDetails(jobs);
    }

    @GET
    @Path("{jobid}")
    public RestModel.JobDetailsInfo job(@PathParam("jobid") String jobId) {
        return views.jobDetails(jobId);
    }

    /** Flink: 202 and an empty body. Only {@code mode=cancel} (or no mode) is supported, as in Flink 1.19. */
    @PATCH
    @Path("{jobid}")
    public Response cancel(@PathParam("jobid") String jobId, @QueryParam("mode") String mode) {
        if (mode != null && !mode.equalsIgnoreCase("cancel")) {
            throw RestException.badRequest("Termination mode '" + mode + "' is not supported; the only supported value is: cancel");
        }
        JobStatus status = views.details(jobId).getSummary().getStatus();
        if (LifecycleEvents.isTerminal(status)) {
            throw new RestException(409, "Job " + jobId + " is already " + status + " and cannot be canceled.");
        }
        jobManager.cancel(jobId);
        return Response.accepted().type(MediaType.APPLICATION_JSON).entity(Map.of()).build();
    }

    @GET
    @Path("{jobid}/plan")
    public RestModel.JobPlanInfo plan(@PathParam("jobid") String jobId) {
        JobDetails d = views.details(jobId);
        return new RestModel.JobPlanInfo(graphs.get(jobId).map(JobViews::plan)
                .orElseGet(() -> JobViews.emptyPlan(jobId, d.getSummary().getJobName())));
    }

    /**
     * Flink's {@code JobConfigInfo}. The restart strategy is the configured {@code restart-strategy.type},
     * or Flink's "Cluster level default restart strategy" when the job sets none; the parallelism is
     * {@code parallelism.default}, or the highest vertex parallelism when the job does not set it.
     */
    @GET
    @Path("{jobid}/config")
    public RestModel.JobConfigInfo config(@PathParam("jobid") String jobId) {
        JobDetails d = views.details(jobId);
        JobGraph graph = graphs.get(jobId).orElseThrow(() -> RestException.notFound("Job " + jobId + " has no stored job graph."));
        Map<String, String> conf = new java.util.TreeMap<>(graph.getConfigurationMap());
        int parallelism;
        try {
            parallelism = conf.containsKey("parallelism.default") ? Integer.parseInt(conf.get("parallelism.default").trim())
                    : graph.getVerticesList().stream().mapToInt(v -> v.getParallelism()).max().orElse(1);
        } catch (NumberFormatException e) {
            throw RestException.badRequest("Job " + jobId + " has parallelism.default '" + conf.get("parallelism.default")
                    + "', which is not a number.");
        }
        String restart = conf.getOrDefault("restart-strategy.type", "Cluster level default restart strategy");
        boolean objectReuse = Boolean.parseBoolean(conf.getOrDefault("pipeline.object-reuse", "false"));
        return new RestModel.JobConfigInfo(jobId, d.getSummary().getJobName(),
                new RestModel.ExecutionConfig("PIPELINED", restart, parallelism, objectReuse, conf));
    }

    @GET
    @Path("{jobid}/checkpoints")
    public Map<String, Object> checkpoints(@PathParam("jobid") String jobId) {
        views.details(jobId);
        return CheckpointViews.statistics(checkpoints.listCheckpoints(ListCheckpointsRequest.newBuilder().setJobId(jobId).build()));
    }

    @GET
    @Path("{jobid}/checkpoints/config")
    public Map<String, Object> checkpointConfig(@PathParam("jobid") String jobId) {
        views.details(jobId);
        JobGraph graph = graphs.get(jobId).orElseThrow(() -> RestException.notFound("Job " + jobId + " has no stored job graph."));
        CheckpointSettings settings;
        try {
            settings = CheckpointSettings.of(graph.getConfigurationMap(), blobStore.uri("checkpoints"), blobStore.uri("savepoints"));
        } catch (IllegalArgumentException e) {
            throw RestException.badRequest(e.getMessage());
        }
        if (!settings.enabled()) {
            throw RestException.notFound("Checkpointing is not enabled for job " + jobId + ".");
        }
        return CheckpointViews.config(settings);
    }

    /** Flink's {@code JobExceptionsInfoWithHistory}: the root cause, each subtask's failure, one history entry per job failure. */
    @GET
    @Path("{jobid}/exceptions")
    public Map<String, Object> exceptions(@PathParam("jobid") String jobId, @QueryParam("maxExceptions") Integer maxExceptions) {
        JobDetails d = views.details(jobId);
        int max = maxExceptions == null || maxExceptions <= 0 ? 20 : maxExceptions;
        List<LifecycleEvent> events = views.events(jobId);
        Map<String, String> vertexNames = new HashMap<>();
        d.getVerticesList().forEach(v -> vertexNames.put(v.getVertexId(), v.getName()));
        List<Map<String, Object>> history = new ArrayList<>();
        List<Map<String, Object>> taskFailures = new ArrayList<>();
        String rootCause = null;
        long rootTimestamp = 0;
        for (LifecycleEvent e : events) {
            if (e.hasTaskStatusChanged() && !e.getTaskStatusChanged().getFailureCause().isEmpty()) {
                var t = e.getTaskStatusChanged();
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("exception", t.getFailureCause());
                x.put("task", vertexNames.getOrDefault(t.getVertexId(), t.getVertexName()) + " (" + (t.getSubtaskIndex() + 1) + "/"
                        + t.getParallelism() + ")");
                x.put("location", t.getTaskmanagerId());
                x.put("taskManagerId", t.getTaskmanagerId());
                x.put("timestamp", e.getTimestampMs());
                taskFailures.add(x);
            }
            if (e.hasJobStatusChanged() && !e.getJobStatusChanged().getFailureCause().isEmpty()) {
                String cause = e.getJobStatusChanged().getFailureCause();
                JobStatus status = e.getJobStatusChanged().getStatus();
                if (status == JobStatus.FAILING || (status == JobStatus.FAILED && !cause.equals(rootCause))) {
                    history.add(rootException(cause, e.getTimestampMs(), taskFailures));
                }
                rootCause = cause;
                rootTimestamp = e.getTimestampMs();
            }
        }
        java.util.Collections.reverse(history);
        Map<String, Object> exceptionHistory = new LinkedHashMap<>();
        exceptionHistory.put("entries", history.size() > max ? history.subList(0, max) : history);
        exceptionHistory.put("truncated", history.size() > max);
        List<Map<String, Object>> all = new ArrayList<>(taskFailures);
        java.util.Collections.reverse(all);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("root-exception", rootCause);
        body.put("timestamp", rootCause == null ? null : rootTimestamp);
        body.put("all-exceptions", all.size() > max ? all.subList(0, max) : all);
        body.put("truncated", all.size() > max);
        body.put("exceptionHistory", exceptionHistory);
        return body;
    }

    private static Map<String, Object> rootException(String cause, long timestamp, List<Map<String, Object>> taskFailures) {
        Map<String, Object> r = new LinkedHashMap<>();
        int colon = cause.indexOf(':');
        int newline = cause.indexOf('\n');
        String head = newline < 0 ? cause : cause.substring(0, newline);
        r.put("exceptionName", colon > 0 && !head.substring(0, Math.min(colon, head.length())).contains(" ") ? cause.substring(0, colon) : head);
        r.put("stacktrace", cause);
        r.put("timestamp", timestamp);
        Map<String, Object> latestTask = taskFailures.isEmpty() ? null : taskFailures.get(taskFailures.size() - 1);
        r.put("taskName", latestTask == null ? null : latestTask.get("task"));
        r.put("location", latestTask == null ? null : latestTask.get("location"));
        r.put("taskManagerId", latestTask == null ? null : latestTask.get("taskManagerId"));
        r.put("failureLabels", Map.of());
        r.put("concurrentExceptions", List.of());
        return r;
    }

    @GET
    @Path("{jobid}/vertices/{vertexid}")
    public RestModel.JobVertexDetailsInfo vertex(@PathParam("jobid") String jobId, @PathParam("vertexid") String vertexId) {
        Map<String, String> hosts = new HashMap<>();
        try {
            for (TaskManagerInfo tm : jobManager.clusterOverview().getTaskmanagersList()) {
                hosts.put(tm.getTaskmanagerId(), tm.getRpcAddress());
            }
        } catch (RuntimeException e) {
            // the JobManager is unreachable: subtasks show their TaskManager id as host
        }
        return views.vertexDetails(jobId, vertexId, hosts);
    }

    /**
     * Flink's back pressure of a vertex from each subtask's {@code backPressuredTimeMsPerSecond}
     * (ratio = ms/1000; level ok ≤ 0.10 < low ≤ 0.5 < high). Without any metric of the vertex:
     * {@code {"status":"deprecated"}}, as Flink answers when it has no back-pressure data.
     */
    @GET
    @Path("{jobid}/vertices/{vertexid}/backpressure")
    public RestModel.BackPressureInfo backpressure(@PathParam("jobid") String jobId, @PathParam("vertexid") String vertexId) {
        VertexDetails v = JobViews.vertex(views.details(jobId), vertexId);
        var store = metrics.metrics();
        Map<Integer, SubtaskMetrics> m = store.vertex(jobId, vertexId);
        List<RestModel.SubtaskBackPressure> subtasks = new ArrayList<>();
        double max = 0;
        for (SubtaskDetails t : v.getSubtasksList()) {
            SubtaskMetrics sm = m.get(t.getSubtaskIndex());
            if (sm == null || sm.backPressuredTimeMsPerSecond() == null) {
                continue;
            }
            double ratio = sm.backPressuredTimeMsPerSecond() / 1000.0;
            double idle = sm.idleTimeMsPerSecond() == null ? 0 : sm.idleTimeMsPerSecond() / 1000.0;
            double busy = sm.busyTimeMsPerSecond() == null ? 0 : sm.busyTimeMsPerSecond() / 1000.0;
            max = Math.max(max, ratio);
            subtasks.add(new RestModel.SubtaskBackPressure(t.getSubtaskIndex(), t.getAttempt(), level(ratio), ratio, idle, busy));
        }
        if (subtasks.isEmpty()) {
            return new RestModel.BackPressureInfo("deprecated", null, null, null);
        }
        return new RestModel.BackPressureInfo("ok", level(max), store.timestamp(), subtasks);
    }

    static String level(double ratio) {
        return ratio <= 0.10 ? "ok" : ratio <= 0.5 ? "low" : "high";
    }

    /** Flink's {@code <subtask>.currentInputWatermark} per subtask that reported one (others are left out, as in Flink). */
    @GET
    @Path("{jobid}/vertices/{vertexid}/watermarks")
    public List<RestModel.Metric> watermarks(@PathParam("jobid") String jobId, @PathParam("vertexid") String vertexId) {
        VertexDetails v = JobViews.vertex(views.details(jobId), vertexId);
        Map<Integer, SubtaskMetrics> m = metrics.metrics().vertex(jobId, vertexId);
        List<RestModel.Metric> result = new ArrayList<>();
        for (SubtaskDetails t : v.getSubtasksList()) {
            SubtaskMetrics sm = m.get(t.getSubtaskIndex());
            if (sm != null && sm.currentInputWatermark() != null) {
                result.add(new RestModel.Metric(t.getSubtaskIndex() + ".currentInputWatermark", Long.toString(sm.currentInputWatermark().longValue())));
            }
        }
        return result;
    }

    /** Flink's savepoint trigger: 202 {@code {"request-id": ...}}; {@code cancel-job: true} is refused (use /stop). */
    @POST
    @Path("{jobid}/savepoints")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response triggerSavepoint(@PathParam("jobid") String jobId, RestModel.SavepointTriggerRequest body) {
        RestModel.SavepointTriggerRequest r = body == null ? new RestModel.SavepointTriggerRequest(null, null, null, null) : body;
        if (Boolean.TRUE.equals(r.cancelJob())) {
            throw RestException.badRequest("cancel-job=true is not supported by Flowmesh: use POST /jobs/" + jobId
                    + "/stop (stop with savepoint; the job ends FINISHED)");
        }
        checkFormat(r.formatType());
        views.details(jobId);
        String id = savepoints.trigger(jobId, CheckpointType.SAVEPOINT, r.targetDirectory(), r.triggerId());
        return Response.accepted(new RestModel.TriggerResponse(id)).build();
    }

    @GET
    @Path("{jobid}/savepoints/{triggerid}")
    public RestModel.AsynchronousOperationResult savepointStatus(@PathParam("jobid") String jobId, @PathParam("triggerid") String triggerId) {
        views.details(jobId);
        return savepoints.status(jobId, triggerId);
    }

    /** Flink's stop with savepoint: 202 {@code {"request-id": ...}}, polled at /jobs/:jobid/savepoints/:triggerid. */
    @POST
    @Path("{jobid}/stop")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response stop(@PathParam("jobid") String jobId, RestModel.StopWithSavepointRequest body) {
        RestModel.StopWithSavepointRequest r = body == null ? new RestModel.StopWithSavepointRequest(null, null, null, null) : body;
        checkFormat(r.formatType());
        views.details(jobId);
        CheckpointType type = Boolean.TRUE.equals(r.drain()) ? CheckpointType.SAVEPOINT_STOP_DRAIN : CheckpointType.SAVEPOINT_STOP;
        String id = savepoints.trigger(jobId, type, r.targetDirectory(), r.triggerId());
        return Response.accepted(new RestModel.TriggerResponse(id)).build();
    }

    private static void checkFormat(String formatType) {
        if (formatType != null && !formatType.toUpperCase(Locale.ROOT).equals("CANONICAL")) {
            throw RestException.badRequest("formatType " + formatType + " is not supported: Flowmesh writes CANONICAL savepoints only");
        }
    }
}
