package io.flowmesh.engine.metrics;

/**
 * Where a subtask hands its metrics to be reported (a TaskManager registers them with its metrics
 * registry). Called on the subtask's thread: {@link #taskStarted} once the chain is built and
 * before the subtask runs, {@link #taskEnded} when it ended (finished, failed or cancelled), so
 * that a gone subtask's values disappear. Must not block for long.
 */
public interface TaskMetricsListener {
    void taskStarted(TaskMetricGroup group);

    void taskEnded(TaskMetricGroup group);

    /** Reports nothing (the in-process {@code LocalExecutor}, tests). */
    TaskMetricsListener NONE = new TaskMetricsListener() {
        @Override
        public void taskStarted(TaskMetricGroup group) {}

        @Override
        public void taskEnded(TaskMetricGroup group) {}
    };
}
