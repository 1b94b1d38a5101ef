package io.flowmesh.coordinator.job;

import io.flowmesh.cluster.checkpoint.CheckpointSettings;
import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.TaskStatusChanged;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the coordinator knows of one job from the lifecycle topic: its status and attempt, the
 * state of each subtask, and (once loaded from S3) its JobGraph and checkpoint settings.
 *
 * <p>A job is <em>checkpointable</em> when its status is RUNNING and every subtask of the JobGraph
 * reported {@code EXECUTION_RUNNING} for the job's current attempt. Task events of an older
 * attempt than the one recorded for that subtask are ignored; those of a newer attempt (they may
 * arrive before the JobManager's RUNNING of that attempt) replace it.
 *
 * <p>Not thread-safe: owned by the coordinator thread.
 */
public final class JobView {
    private final String jobId;
    private String jobGraphUri = "";
    private JobStatus status = JobStatus.CREATED;
    private int attempt;
    private final Map<SubtaskKey, TaskState> tasks = new HashMap<>();
    private JobGraph graph;
    private CheckpointSettings settings;
    private String settingsError;
    private long nextGraphLoadMs;

    /** One subtask of the job graph. */
    public record SubtaskKey(String vertexId, int subtaskIndex) {}

    private record TaskState(int attempt, ExecutionState state) {}

    public JobView(String jobId) {
        this.jobId = jobId;
    }

    /** Applies one lifecycle event of this job, in topic order. */
    public void apply(LifecycleEvent e) {
        if (e.hasJobSubmitted()) {
            String uri = e.getJobSubmitted().getJobGraphUri();
            if (!uri.equals(jobGraphUri)) {
                jobGraphUri = uri;
                graph = null;
                settings = null;
                settingsError = null;
                nextGraphLoadMs = 0;
            }
        } else if (e.hasJobStatusChanged()) {
            status = e.getJobStatusChanged().getStatus();
            attempt = e.getJobStatusChanged().getAttempt();
        } else if (e.hasTaskStatusChanged()) {
            TaskStatusChanged t = e.getTaskStatusChanged();
            SubtaskKey key = new SubtaskKey(t.getVertexId(), t.getSubtaskIndex());
            TaskState known = tasks.get(key);
            if (known == null || t.getAttempt() >= known.attempt()) {
                tasks.put(key, new TaskState(t.getAttempt(), t.getState()));
            }
        }
    }

    public String jobId() {
        return jobId;
    }

    public String jobGraphUri() {
        return jobGraphUri;
    }

    public JobStatus status() {
        return status;
    }

    public int attempt() {
        return attempt;
    }

    public boolean isTerminal() {
        return LifecycleEvents.isTerminal(status);
    }

    /** The JobGraph, once loaded. */
    public Optional<JobGraph> graph() {
        return Optional.ofNullable(graph);
    }

    /** The checkpoint settings, once the graph is loaded and its configuration is valid. */
    public Optional<CheckpointSettings> settings() {
        return Optional.ofNullable(settings);
    }

    /** Why the job's configuration yields no checkpoint settings (a malformed key), if it does not. */
    public Optional<String> settingsError() {
        return Optional.ofNullable(settingsError);
    }

    /** Whether the graph is still to be loaded and a (re)try is due. */
    public boolean graphLoadDue(long nowMs) {
        return graph == null && !jobGraphUri.isEmpty() && nowMs >= nextGraphLoadMs;
    }

    public void graphLoadFailed(long retryAtMs) {
        nextGraphLoadMs = retryAtMs;
    }

    /** Sets the loaded graph with its settings, or the error that its configuration has. */
    public void graphLoaded(JobGraph graph, CheckpointSettings settings, String settingsError) {
        this.graph = graph;
        this.settings = settings;
        this.settingsError = settingsError;
    }

    /** Number of subtasks of the job (sum of the vertices' parallelisms); 0 before the graph is loaded. */
    public int totalSubtasks() {
        return graph == null ? 0 : graph.getVerticesList().stream().mapToInt(JobVertex::getParallelism).sum();
    }

    public boolean checkpointable() {
        return whyNotCheckpointable(attempt).isEmpty();
    }

    /**
     * Empty when the job runs with every subtask RUNNING in {@code forAttempt} (which must be the
     * job's current attempt); else the reason, naming the job and what is not running.
     */
    public Optional<String> whyNotCheckpointable(int forAttempt) {
        if (status != JobStatus.RUNNING) {
            return Optional.of("job " + jobId + " is " + status + ", not RUNNING");
        }
        if (forAttempt != attempt) {
            return Optional.of("job " + jobId + " restarted (attempt " + forAttempt + " -> " + attempt + ")");
        }
        if (graph == null) {
            return Optional.of("the JobGraph of job " + jobId + " is not loaded yet (" + (jobGraphUri.isEmpty() ? "no JobSubmitted seen" : jobGraphUri) + ")");
        }
        for (JobVertex v : graph.getVerticesList()) {
            for (int i = 0; i < v.getParallelism(); i++) {
                TaskState t = tasks.get(new SubtaskKey(v.getVertexId(), i));
                if (t == null || t.attempt() != attempt || t.state() != ExecutionState.EXECUTION_RUNNING) {
                    String state = t == null ? "not reported" : t.attempt() != attempt ? "of attempt " + t.attempt() + " " + LifecycleEvents.name(t.state())
                            : LifecycleEvents.name(t.state());
                    return Optional.of("subtask " + v.getName() + " (" + (i + 1) + "/" + v.getParallelism() + ") of job " + jobId
                            + " attempt " + attempt + " is " + state + ", not RUNNING");
                }
            }
        }
        return Optional.empty();
    }
}
