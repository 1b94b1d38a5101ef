package io.flowmesh.api.metrics;

/**
 * The metrics of one operator of one subtask (as Flink's {@code MetricGroup}), obtained from
 * {@code RuntimeContext.getMetricGroup()} in {@code open} or when a source reader is created.
 * A gauge lives as long as the subtask: it is reported with the operator's labels ({@code job_id},
 * {@code task_name}, {@code subtask_index}, {@code operator_name}, ...) and removed when the subtask ends.
 *
 * <p>Names are reported as {@code flink_taskmanager_job_task_operator_<name>}, with every character
 * other than a letter, digit or underscore replaced by an underscore (so {@code "a.b-c"} becomes
 * {@code a_b_c}).
 */
public interface MetricGroup {
    /** Registers {@code gauge} under {@code name} (replacing an earlier one of that name) and returns it. */
    <T, G extends Gauge<T>> G gauge(String name, G gauge);

    /** Reports nothing (a function run outside a cluster, e.g. in a unit test). */
    MetricGroup UNREGISTERED = new MetricGroup() {
        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            return gauge;
        }
    };
}
