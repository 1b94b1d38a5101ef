package io.flowmesh.dispatcher.rest;

import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.dispatcher.registry.JobRegistry;
import io.flowmesh.dispatcher.rest.metrics.MetricFetcher;
import io.flowmesh.dispatcher.rest.metrics.MetricStore;
import io.flowmesh.dispatcher.rest.metrics.SubtaskMetrics;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobEdge;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobSummary;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.SubtaskDetails;
import io.flowmesh.proto.TaskStatusChanged;
import io.flowmesh.proto.VertexDetails;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Flink's JSON views of a job, built from the dispatcher's {@link JobRegistry} (state, subtasks,
 * the lifecycle events with their timestamps), the stored {@link JobGraph} (plan, max parallelism)
 * and the {@link MetricFetcher}'s last scrape (records in/out). Times are epoch milliseconds; -1
 * where Flink has -1 (not started, not ended). Blocking (S3 on a job's first graph read, the
 * scrape); thread-safe.
 */
@Singleton
public class JobViews {
    /** Flink's {@code ExecutionState} names, in Flink's order (Flowmesh never reports the last two). */
    static final List<String> EXECUTION_STATES = List.of("CREATED", "SCHEDULED", "DEPLOYING", "RUNNING", "FINISHED", "CANCELING", "CANCELED",
            "FAILED", "RECONCILING", "INITIALIZING");
    /** Flink's {@code JobStatus} names (Flowmesh never reports INITIALIZING and RECONCILING). */
    static final List<String> JOB_STATES = List.of("INITIALIZING", "CREATED", "RUNNING", "FAILING", "FAILED", "CANCELLING", "CANCELED",
            "FINISHED", "RESTARTING", "SUSPENDED", "RECONCILING");

    @Inject
    JobRegistry registry;

    @Inject
    JobGraphs graphs;

    @Inject
    MetricFetcher metrics;

    /** The job, or 404 as Flink words it. */
    JobDetails details(String jobId) {
        return registry.details(jobId).orElseThrow(() -> RestException.notFound("Job " + jobId + " not found"));
    }

    List<LifecycleEvent> events(String jobId) {
        return registry.events(jobId).orElse(List.of());
    }

    static String state(JobStatus status) {
        return status == JobStatus.JOB_STATUS_UNSPECIFIED ? "CREATED" : status.name();
    }

    static long endTime(JobSummary s) {
        return LifecycleEvents.isTerminal(s.getStatus()) && s.getEndTimeMs() > 0 ? s.getEndTimeMs() : -1;
    }

    static long duration(long start, long end, long now) {
        return start <= 0 ? -1 : (end > 0 ? end : now) - start;
    }

    RestModel.JobOverview overview(JobSummary s, long now, long lastModification) {
        Map<String, Integer> tasks = new LinkedHashMap<>();
        int total = 0;
        for (String state : EXECUTION_STATES) {
            int n = s.getTaskCountsOrDefault(state, 0);
            tasks.put(state.toLowerCase(Locale.ROOT), n);
            total += n;
        }
        tasks.put("total", total);
        long end = endTime(s);
        return new RestModel.JobOverview(s.getJobId(), s.getJobName(), state(s.getStatus()), s.getStartTimeMs(), end,
                duration(s.getStartTimeMs(), end, now), lastModification, tasks);
    }

    long lastModification(String jobId, JobSummary s) {
        List<LifecycleEvent> events = events(jobId);
        return events.isEmpty() ? s.getStartTimeMs() : events.get(events.size() - 1).getTimestampMs();
    }

    /** {@code /jobs/:jobid}. */
    RestModel.JobDetailsInfo jobDetails(String jobId) {
        JobDetails d = details(jobId);
        long now = System.currentTimeMillis();
        List<LifecycleEvent> events = events(jobId);
        Optional<JobGraph> graph = graphs.get(jobId);
        Map<String, Long> timestamps = new LinkedHashMap<>();
        JOB_STATES.forEach(s -> timestamps.put(s, 0L));
        for (LifecycleEvent e : events) {
            if (e.hasJobStatusChanged()) {
                timestamps.put(state(e.getJobStatusChanged().getStatus()), e.getTimestampMs());
            }
        }
        SubtaskTimes times = SubtaskTimes.of(events);
        MetricStore store = metrics.metrics();
        List<RestModel.JobVertexInfo> vertices = new ArrayList<>();
        for (VertexDetails v : d.getVerticesList()) {
            vertices.add(vertexInfo(jobId, v, maxParallelism(graph, v.getVertexId()), times, store, now));
        }
        JobSummary s = d.getSummary();
        Map<String, Integer> counts = new LinkedHashMap<>();
        EXECUTION_STATES.forEach(st -> counts.put(st, s.getTaskCountsOrDefault(st, 0)));
        long end = endTime(s);
        return new RestModel.JobDetailsInfo(jobId, s.getJobName(), false, state(s.getStatus()), s.getStartTimeMs(), end,
                duration(s.getStartTimeMs(), end, now), -1, now, timestamps, vertices, counts,
                graph.map(JobViews::plan).orElseGet(() -> emptyPlan(jobId, s.getJobName())));
    }

    static int maxParallelism(Optional<JobGraph> graph, String vertexId) {
        return graph.flatMap(g -> g.getVerticesList().stream().filter(v -> v.getVertexId().equals(vertexId)).findFirst())
                .map(JobVertex::getMaxParallelism).orElse(-1);
    }

    private RestModel.JobVertexInfo vertexInfo(String jobId, VertexDetails v, int maxParallelism, SubtaskTimes times, MetricStore store, long now) {
        Map<String, Integer> tasks = new LinkedHashMap<>();
        EXECUTION_STATES.forEach(st -> tasks.put(st, 0));
        long start = -1;
        long end = -1;
        boolean allEnded = v.getSubtasksCount() > 0;
        for (SubtaskDetails t : v.getSubtasksList()) {
            tasks.merge(LifecycleEvents.name(t.getState()), 1, Integer::sum);
            long[] se = times.startEnd(v.getVertexId(), t.getSubtaskIndex(), t.getAttempt());
            if (se[0] > 0 && (start < 0 || se[0] < start)) {
                start = se[0];
            }
            if (se[1] > 0) {
                end = Math.max(end, se[1]);
            } else {
                allEnded = false;
            }
        }
        if (!allEnded) {
            end = -1;
        }
        Map<Integer, SubtaskMetrics> m = store.vertex(jobId, v.getVertexId());
        return new RestModel.JobVertexInfo(v.getVertexId(), v.getName(), maxParallelism, v.getParallelism(), aggregateState(tasks, v.getParallelism()),
                start, end, duration(start, end, now), tasks, ioMetrics(m.values(), v.getParallelism()));
    }

    /** Flink's aggregate state of a vertex from its subtasks' states. */
    static String aggregateState(Map<String, Integer> counts, int parallelism) {
        for (String s : List.of("FAILED", "CANCELING", "CANCELED", "INITIALIZING", "RUNNING")) {
            if (counts.getOrDefault(s, 0) > 0) {
                return s;
            }
        }
        int finished = counts.getOrDefault("FINISHED", 0);
        if (finished > 0) {
            return finished == parallelism ? "FINISHED" : "RUNNING";
        }
        return "CREATED";
    }

    /**
     * Flink's IOMetricsInfo of a set of subtasks: record counts summed; {@code *-complete} true only
     * when every one of {@code expected} subtasks reported the metric. Bytes and accumulated times
     * are not measured by Flowmesh: 0, bytes not complete.
     */
    static RestModel.IOMetrics ioMetrics(java.util.Collection<SubtaskMetrics> subtasks, int expected) {
        long in = 0;
        long out = 0;
        int inReported = 0;
        int outReported = 0;
        for (SubtaskMetrics m : subtasks) {
            if (m.numRecordsIn() != null) {
                in += m.numRecordsIn().longValue();
                inReported++;
            }
            if (m.numRecordsOut() != null) {
                out += m.numRecordsOut().longValue();
                outReported++;
            }
        }
        return new RestModel.IOMetrics(0, false, 0, false, in, inReported == expected && expected > 0, out,
                outReported == expected && expected > 0, 0, 0, 0);
    }

    /** {@code /jobs/:jobid/vertices/:vertexid}. */
    RestModel.JobVertexDetailsInfo vertexDetails(String jobId, String vertexId, Map<String, String> hostsByTaskManager) {
        JobDetails d = details(jobId);
        VertexDetails v = vertex(d, vertexId);
        long now = System.currentTimeMillis();
        SubtaskTimes times = SubtaskTimes.of(events(jobId));
        Map<Integer, SubtaskMetrics> m = metrics.metrics().vertex(jobId, vertexId);
        List<RestModel.SubtaskAttempt> subtasks = new ArrayList<>();
        Map<String, long[]> aggregates = new LinkedHashMap<>();
        for (SubtaskDetails t : v.getSubtasksList()) {
            long[] se = times.startEnd(vertexId, t.getSubtaskIndex(), t.getAttempt());
            SubtaskMetrics sm = m.get(t.getSubtaskIndex());
            RestModel.IOMetrics io = ioMetrics(sm == null ? List.of() : List.of(sm), 1);
            aggregate(aggregates, "read-records", io.readRecordsComplete(), io.readRecords());
            aggregate(aggregates, "write-records", io.writeRecordsComplete(), io.writeRecords());
            subtasks.add(new RestModel.SubtaskAttempt(t.getSubtaskIndex(), LifecycleEvents.name(t.getState()), t.getAttempt(),
                    hostsByTaskManager.getOrDefault(t.getTaskmanagerId(), t.getTaskmanagerId().isEmpty() ? "(unassigned)" : t.getTaskmanagerId()),
                    se[0], se[1], duration(se[0], se[1], now), io, t.getTaskmanagerId(),
                    times.statusDuration(vertexId, t.getSubtaskIndex(), t.getAttempt(), now)));
        }
        Map<String, Object> metricsAggregate = new LinkedHashMap<>();
        aggregates.forEach((name, a) -> metricsAggregate.put(name, Map.of("min", a[0], "max", a[1], "avg", a[3] == 0 ? 0 : a[2] / a[3], "sum", a[2])));
        Map<String, Object> aggregated = new LinkedHashMap<>();
        aggregated.put("metrics", metricsAggregate);
        aggregated.put("status-duration", Map.of());
        return new RestModel.JobVertexDetailsInfo(vertexId, v.getName(), v.getParallelism(), maxParallelism(graphs.get(jobId), vertexId), now,
                subtasks, aggregated);
    }

    private static void aggregate(Map<String, long[]> aggregates, String name, boolean reported, long value) {
        if (!reported) {
            return;
        }
        long[] a = aggregates.computeIfAbsent(name, k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0, 0});
        a[0] = Math.min(a[0], value);
        a[1] = Math.max(a[1], value);
        a[2] += value;
        a[3]++;
    }

    static VertexDetails vertex(JobDetails d, String vertexId) {
        return d.getVerticesList().stream().filter(v -> v.getVertexId().equals(vertexId)).findFirst()
                .orElseThrow(() -> RestException.notFound("No vertex with ID '" + vertexId + "' exists in job " + d.getSummary().getJobId() + "."));
    }

    /** Flink's plan JSON ({@code JobPlanInfo.plan}) of a JobGraph. */
    static Map<String, Object> plan(JobGraph g) {
        Map<String, List<Map<String, Object>>> inputs = new HashMap<>();
        for (JobEdge e : g.getEdgesList()) {
            List<Map<String, Object>> in = inputs.computeIfAbsent(e.getTargetVertexId(), k -> new ArrayList<>());
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("num", in.size());
            input.put("id", e.getSourceVertexId());
            input.put("ship_strategy", switch (e.getPartitioner()) {
                case FORWARD -> "FORWARD";
                case HASH -> "HASH";
                case REBALANCE -> "REBALANCE";
                case BROADCAST -> "BROADCAST";
                default -> e.getPartitioner().name();
            });
            input.put("exchange", "pipelined_bounded");
            in.add(input);
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (JobVertex v : g.getVerticesList()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", v.getVertexId());
            node.put("parallelism", v.getParallelism());
            node.put("operator", "");
            node.put("operator_strategy", "");
            node.put("description", v.getName());
            List<Map<String, Object>> in = inputs.get(v.getVertexId());
            if (in != null) {
                node.put("inputs", in);
            }
            node.put("optimizer_properties", Map.of());
            nodes.add(node);
        }
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("jid", g.getJobId());
        plan.put("name", g.getJobName());
        plan.put("type", "STREAMING");
        plan.put("nodes", nodes);
        return plan;
    }

    static Map<String, Object> emptyPlan(String jobId, String name) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("jid", jobId);
        plan.put("name", name);
        plan.put("type", "STREAMING");
        plan.put("nodes", List.of());
        return plan;
    }

    /** When each subtask attempt entered each state, from the lifecycle events. */
    static final class SubtaskTimes {
        private final Map<String, Map<String, Long>> byAttempt = new HashMap<>();

        static SubtaskTimes of(List<LifecycleEvent> events) {
            SubtaskTimes t = new SubtaskTimes();
            for (LifecycleEvent e : events) {
                if (e.hasTaskStatusChanged()) {
                    TaskStatusChanged c = e.getTaskStatusChanged();
                    t.byAttempt.computeIfAbsent(key(c.getVertexId(), c.getSubtaskIndex(), c.getAttempt()), k -> new LinkedHashMap<>())
                            .put(LifecycleEvents.name(c.getState()), e.getTimestampMs());
                }
            }
            return t;
        }

        private static String key(String vertex, int subtask, int attempt) {
            return vertex + "/" + subtask + "/" + attempt;
        }

        /** {start (DEPLOYING, else RUNNING), end (a terminal state)}; -1 when not reached. */
        long[] startEnd(String vertex, int subtask, int attempt) {
            Map<String, Long> m = byAttempt.getOrDefault(key(vertex, subtask, attempt), Map.of());
            long start = m.getOrDefault("DEPLOYING", m.getOrDefault("RUNNING", -1L));
            long end = -1;
            for (String s : List.of("FINISHED", "CANCELED", "FAILED")) {
                end = Math.max(end, m.getOrDefault(s, -1L));
            }
            return new long[] {start, end};
        }

        /** Time spent in CREATED..RUNNING by the attempt (Flink's status-duration); 0 for a state it never entered. */
        Map<String, Long> statusDuration(String vertex, int subtask, int attempt, long now) {
            Map<String, Long> m = byAttempt.getOrDefault(key(vertex, subtask, attempt), Map.of());
            List<Map.Entry<String, Long>> entered = new ArrayList<>(m.entrySet());
            entered.sort(Map.Entry.comparingByValue());
            Map<String, Long> d = new LinkedHashMap<>();
            for (String s : List.of("CREATED", "SCHEDULED", "DEPLOYING", "INITIALIZING", "RUNNING")) {
                d.put(s, 0L);
            }
            for (int i = 0; i < entered.size(); i++) {
                String s = entered.get(i).getKey();
                if (d.containsKey(s)) {
                    long until = i + 1 < entered.size() ? entered.get(i + 1).getValue() : now;
                    d.put(s, until - entered.get(i).getValue());
                }
            }
            return d;
        }
    }
}
