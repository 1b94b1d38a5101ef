package io.flowmesh.taskmanager.metrics;

import io.flowmesh.engine.metrics.OperatorMetricGroup;
import io.flowmesh.engine.metrics.TaskMetricGroup;
import io.flowmesh.engine.metrics.TaskMetricsListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * Reports the subtasks' engine metrics to Micrometer with the names and labels of Flink's
 * PrometheusReporter (see {@code docs/metrics.md}): per operator
 * {@code flink_taskmanager_job_task_operator_*}, per subtask {@code flink_taskmanager_job_task_*}.
 * Counts are gauges, as Flink reports them (no {@code _total}).
 *
 * <p>A subtask's meters are registered when it starts running and removed when it ends. The
 * labels carry no attempt number, so a restarted subtask takes over the meters of its previous
 * attempt: the meters read the registration's current group, and only the attempt that registered
 * last removes them. {@link #updateRates} samples every registered subtask for the per-second values.
 */
public final class TaskMetricsReporter implements TaskMetricsListener {
    static final String OPERATOR = "flink_taskmanager_job_task_operator_";
    static final String TASK = "flink_taskmanager_job_task_";
    private static final Pattern INVALID = Pattern.compile("[^a-zA-Z0-9_]");

    private final MeterRegistry registry;
    private final String taskManagerId;
    private final Map<String, Registration> registrations = new ConcurrentHashMap<>();

    /** The meters of one subtask (job, vertex, subtask index) and the group of its current attempt. */
    private static final class Registration {
        volatile TaskMetricGroup group;
        final List<Meter> meters = new ArrayList<>();

        Registration(TaskMetricGroup group) {
            this.group = group;
        }

        OperatorMetricGroup operator(int index) {
            List<OperatorMetricGroup> ops = group.operators();
            return index < ops.size() ? ops.get(index) : null;
        }
    }

    public TaskMetricsReporter(MeterRegistry registry, String taskManagerId) {
        this.registry = registry;
        this.taskManagerId = taskManagerId;
    }

    @Override
    public synchronized void taskStarted(TaskMetricGroup group) {
        String key = key(group);
        Registration existing = registrations.get(key);
        if (existing != null && existing.group.operators().size() == group.operators().size()) {
            existing.group = group; // a new attempt of the same subtask
            return;
        }
        if (existing != null) {
            remove(key, existing);
        }
        Registration r = new Registration(group);
        Tags task = Tags.of("job_id", group.jobId(), "job_name", group.jobName(), "task_id", group.taskId(), "task_name", group.taskName(),
                "subtask_index", Integer.toString(group.subtaskIndex()), "tm_id", taskManagerId);
        gauge(r, TASK + "numRecordsIn", task, x -> x.group.numRecordsIn());
        gauge(r, TASK + "numRecordsOut", task, x -> x.group.numRecordsOut());
        gauge(r, TASK + "busyTimeMsPerSecond", task, x -> x.group.busyTimeMsPerSecond());
        gauge(r, TASK + "backPressuredTimeMsPerSecond", task, x -> x.group.backPressuredTimeMsPerSecond());
        gauge(r, TASK + "idleTimeMsPerSecond", task, x -> x.group.idleTimeMsPerSecond());
        gauge(r, TASK + "buffers_inPoolUsage", task, x -> x.group.inPoolUsage());
        gauge(r, TASK + "buffers_outPoolUsage", task, x -> x.group.outPoolUsage());
        List<OperatorMetricGroup> ops = group.operators();
        for (int i = 0; i < ops.size(); i++) {
            OperatorMetricGroup op = ops.get(i);
            int index = i;
            Tags tags = task.and("operator_id", op.operatorId(), "operator_name", op.operatorName());
            gauge(r, OPERATOR + "numRecordsIn", tags, x -> value(x.operator(index), OperatorMetricGroup::numRecordsIn));
            gauge(r, OPERATOR + "numRecordsOut", tags, x -> value(x.operator(index), OperatorMetricGroup::numRecordsOut));
            gauge(r, OPERATOR + "numRecordsInPerSecond", tags, x -> value(x.operator(index), OperatorMetricGroup::numRecordsInPerSecond));
            gauge(r, OPERATOR + "numRecordsOutPerSecond", tags, x -> value(x.operator(index), OperatorMetricGroup::numRecordsOutPerSecond));
            gauge(r, OPERATOR + "currentInputWatermark", tags, x -> value(x.operator(index), OperatorMetricGroup::currentInputWatermark));
            gauge(r, OPERATOR + "currentOutputWatermark", tags, x -> value(x.operator(index), OperatorMetricGroup::currentOutputWatermark));
            for (String name : op.gauges().keySet()) {
                gauge(r, OPERATOR + INVALID.matcher(name).replaceAll("_"), tags, x -> userGauge(x.operator(index), name));
            }
        }
        registrations.put(key, r);
    }

    @Override
    public synchronized void taskEnded(TaskMetricGroup group) {
        String key = key(group);
        Registration r = registrations.get(key);
        if (r != null && r.group == group) {
            remove(key, r);
        }
    }

    /** Samples every running subtask for the per-second values (one scheduler thread). */
    public void updateRates() {
        long now = System.nanoTime();
        for (Registration r : registrations.values()) {
            r.group.updateRates(now);
        }
    }

    /** Subtasks whose meters are registered now. */
    public int registeredSubtasks() {
        return registrations.size();
    }

    private void remove(String key, Registration r) {
        registrations.remove(key);
        for (Meter m : r.meters) {
            registry.remove(m);
        }
    }

    private void gauge(Registration r, String name, Tags tags, ToDoubleFunction<Registration> f) {
        r.meters.add(Gauge.builder(name, r, f).tags(tags).strongReference(true).register(registry));
    }

    private static double value(OperatorMetricGroup op, ToDoubleFunction<OperatorMetricGroup> f) {
        return op == null ? Double.NaN : f.applyAsDouble(op);
    }

    private static double userGauge(OperatorMetricGroup op, String name) {
        if (op == null) {
            return Double.NaN;
        }
        io.flowmesh.api.metrics.Gauge<?> g = op.gauges().get(name);
        Object v;
        try {
            v = g == null ? null : g.getValue();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String key(TaskMetricGroup g) {
        return g.jobId() + "/" + g.taskId() + "/" + g.subtaskIndex();
    }
}
