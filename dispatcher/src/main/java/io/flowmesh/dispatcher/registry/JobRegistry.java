package io.flowmesh.dispatcher.registry;

import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.cluster.events.LifecycleLog;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobSummary;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.SubtaskDetails;
import io.flowmesh.proto.TaskStatusChanged;
import io.flowmesh.proto.VertexDetails;
import io.flowmesh.proto.VertexSummary;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Every job the cluster knows, rebuilt from the lifecycle topic (read from its beginning at start),
 * so a restarted dispatcher lists the same jobs with the same history. Submissions register their
 * job at once so that it is listed before its first event comes back from Kafka. Thread-safe.
 *
 * <p>Watchers ({@link #watch}) get every event after it was applied, on the lifecycle thread and
 * under the registry's lock, in topic order; they must not block. Removing a watcher
 * ({@link #unwatch}) takes no lock, so a watcher may remove itself from any thread.
 */
@Singleton
public class JobRegistry {
    @Inject
    KafkaConfig kafka;

    @Inject
    Topics topics;

    private final Map<String, JobRecord> jobs = new LinkedHashMap<>();
    private final List<Consumer<LifecycleEvent>> watchers = new CopyOnWriteArrayList<>();
    private LifecycleLog log;

    void onStart(@Observes StartupEvent ev) {
        log = new LifecycleLog(kafka.bootstrapServers(), topics, this::apply).start();
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (log != null) {
            log.close();
        }
    }

    private static final class JobRecord {
        final String jobId;
        String name = "";
        String artifactUri = "";
        String entryClass = "";
        JobStatus status = JobStatus.CREATED;
        long startTime;
        long endTime;
        String failureCause = "";
        final Map<String, VertexSummary> vertices = new LinkedHashMap<>();
        final Map<String, TreeMap<Integer, TaskStatusChanged>> subtasks = new LinkedHashMap<>();
        final List<LifecycleEvent> events = new ArrayList<>();

        JobRecord(String jobId, long startTime) {
            this.jobId = jobId;
            this.startTime = startTime;
        }
    }

    /** Registers a job just submitted (before its events are read back). */
    public synchronized void registerSubmitted(String jobId, String name, String artifactUri, String entryClass, List<VertexSummary> vertices) {
        JobRecord r = jobs.computeIfAbsent(jobId, id -> new JobRecord(id, System.currentTimeMillis()));
        r.name = name;
        r.artifactUri = artifactUri;
        r.entryClass = entryClass;
        vertices.forEach(v -> r.vertices.putIfAbsent(v.getVertexId(), v));
    }

    synchronized void apply(LifecycleEvent e) {
        JobRecord r = jobs.computeIfAbsent(e.getJobId(), id -> new JobRecord(id, e.getTimestampMs()));
        r.events.add(e);
        switch (e.getEventCase()) {
            case JOB_SUBMITTED -> {
                r.name = e.getJobSubmitted().getJobName();
                r.artifactUri = e.getJobSubmitted().getArtifactUri();
                r.entryClass = e.getJobSubmitted().getEntryClass();
                r.startTime = e.getTimestampMs();
                e.getJobSubmitted().getVerticesList().forEach(v -> r.vertices.put(v.getVertexId(), v));
            }
            case JOB_STATUS_CHANGED -> {
                r.status = e.getJobStatusChanged().getStatus();
                if (LifecycleEvents.isTerminal(r.status)) {
                    r.endTime = e.getTimestampMs();
                }
                if (!e.getJobStatusChanged().getFailureCause().isEmpty()) {
                    r.failureCause = e.getJobStatusChanged().getFailureCause();
                }
            }
            case TASK_STATUS_CHANGED -> {
                TaskStatusChanged t = e.getTaskStatusChanged();
                TreeMap<Integer, TaskStatusChanged> byIndex = r.subtasks.computeIfAbsent(t.getVertexId(), k -> new TreeMap<>());
                TaskStatusChanged previous = byIndex.get(t.getSubtaskIndex());
                if (previous == null || t.getAttempt() >= previous.getAttempt()) {
                    byIndex.put(t.getSubtaskIndex(), t);
                }
            }
            default -> { }
        }
        for (Consumer<LifecycleEvent> w : watchers) {
            w.accept(e);
        }
    }

    /**
     * Adds {@code watcher} for every event applied from now on, and atomically with that hands the
     * history before it to {@code history}: the job's events ({@code jobId} empty: every job's, by
     * timestamp), under the registry's lock, before the watcher gets its first event. No event is
     * lost or seen twice between the two. Returns false when the job is unknown (nothing is added).
     */
    public synchronized boolean watch(String jobId, Consumer<List<LifecycleEvent>> history, Consumer<LifecycleEvent> watcher) {
        Optional<List<LifecycleEvent>> events = events(jobId);
        if (events.isEmpty()) {
            return false;
        }
        watchers.add(watcher); // no event can come before the history: apply() needs this lock
        history.accept(events.get());
        return true;
    }

    /** Stops calling {@code watcher}; takes no lock. */
    public void unwatch(Consumer<LifecycleEvent> watcher) {
        watchers.remove(watcher);
    }

    /** How many watchers are registered (for tests and diagnostics). */
    public int watcherCount() {
        return watchers.size();
    }

    public synchronized boolean contains(String jobId) {
        return jobs.containsKey(jobId);
    }

    public synchronized Optional<JobStatus> status(String jobId) {
        return Optional.ofNullable(jobs.get(jobId)).map(r -> r.status);
    }

    public synchronized List<JobSummary> list(boolean includeTerminal) {
        return jobs.values().stream()
                .filter(r -> includeTerminal || !LifecycleEvents.isTerminal(r.status))
                .sorted(Comparator.comparingLong((JobRecord r) -> r.startTime).reversed())
                .map(this::summary).toList();
    }

    public synchronized Optional<JobDetails> details(String jobId) {
        JobRecord r = jobs.get(jobId);
        if (r == null) {
            return Optional.empty();
        }
        JobDetails.Builder d = JobDetails.newBuilder().setSummary(summary(r)).setFailureCause(r.failureCause)
                .setArtifactUri(r.artifactUri).setEntryClass(r.entryClass);
        for (VertexSummary v : r.vertices.values()) {
            VertexDetails.Builder vd = VertexDetails.newBuilder().setVertexId(v.getVertexId()).setName(v.getName()).setParallelism(v.getParallelism());
            TreeMap<Integer, TaskStatusChanged> byIndex = r.subtasks.getOrDefault(v.getVertexId(), new TreeMap<>());
            for (int i = 0; i < v.getParallelism(); i++) {
                TaskStatusChanged t = byIndex.get(i);
                vd.addSubtasks(t == null
                        ? SubtaskDetails.newBuilder().setSubtaskIndex(i).setState(ExecutionState.EXECUTION_CREATED).build()
                        : SubtaskDetails.newBuilder().setSubtaskIndex(i).setState(t.getState()).setAttempt(t.getAttempt())
                                .setTaskmanagerId(t.getTaskmanagerId()).setFailureCause(t.getFailureCause()).build());
            }
            d.addVertices(vd);
        }
        return Optional.of(d.build());
    }

    /** The job's events as read from the topic (empty id: every job's), oldest first; empty when the id is unknown. */
    public synchronized Optional<List<LifecycleEvent>> events(String jobId) {
        if (jobId.isEmpty()) {
            List<LifecycleEvent> all = new ArrayList<>();
            jobs.values().forEach(r -> all.addAll(r.events));
            all.sort(Comparator.comparingLong(LifecycleEvent::getTimestampMs));
            return Optional.of(all);
        }
        JobRecord r = jobs.get(jobId);
        return r == null ? Optional.empty() : Optional.of(List.copyOf(r.events));
    }

    public synchronized Map<String, Integer> jobsByStatus() {
        Map<String, Integer> m = new TreeMap<>();
        jobs.values().forEach(r -> m.merge(r.status.name(), 1, Integer::sum));
        return m;
    }

    private JobSummary summary(JobRecord r) {
        Map<String, Integer> counts = new TreeMap<>();
        for (VertexSummary v : r.vertices.values()) {
            TreeMap<Integer, TaskStatusChanged> byIndex = r.subtasks.getOrDefault(v.getVertexId(), new TreeMap<>());
            for (int i = 0; i < v.getParallelism(); i++) {
                TaskStatusChanged t = byIndex.get(i);
                counts.merge(t == null ? "CREATED" : LifecycleEvents.name(t.getState()), 1, Integer::sum);
            }
        }
        return JobSummary.newBuilder().setJobId(r.jobId).setJobName(r.name).setStatus(r.status)
                .setStartTimeMs(r.startTime).setEndTimeMs(r.endTime).putAllTaskCounts(counts).build();
    }
}
