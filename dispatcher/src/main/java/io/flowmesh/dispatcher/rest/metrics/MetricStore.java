package io.flowmesh.dispatcher.rest.metrics;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One scrape of every TaskManager, by subtask: the metric names of {@code metrics-contract.md}
 * that the REST API shows, grouped by the labels {@code job_id}, {@code task_id} (the vertex id) and
 * {@code subtask_index}; plus each TaskManager's JVM memory. Immutable once built.
 */
public final class MetricStore {
    static final String NUM_RECORDS_IN = "flink_taskmanager_job_task_numRecordsIn";
    static final String NUM_RECORDS_OUT = "flink_taskmanager_job_task_numRecordsOut";
    static final String BUSY = "flink_taskmanager_job_task_busyTimeMsPerSecond";
    static final String BACK_PRESSURED = "flink_taskmanager_job_task_backPressuredTimeMsPerSecond";
    static final String IDLE = "flink_taskmanager_job_task_idleTimeMsPerSecond";
    static final String INPUT_WATERMARK = "flink_taskmanager_job_task_operator_currentInputWatermark";
    static final String JVM_MEMORY_USED = "jvm_memory_used_bytes";
    static final String JVM_MEMORY_COMMITTED = "jvm_memory_committed_bytes";
    static final String JVM_MEMORY_MAX = "jvm_memory_max_bytes";

    /** The metric names a scrape keeps; everything else of {@code /q/metrics} is dropped while parsing. */
    public static final Set<String> NAMES = Set.of(NUM_RECORDS_IN, NUM_RECORDS_OUT, BUSY, BACK_PRESSURED, IDLE, INPUT_WATERMARK,
            JVM_MEMORY_USED, JVM_MEMORY_COMMITTED, JVM_MEMORY_MAX);

    public static final MetricStore EMPTY = new MetricStore(Map.of(), Map.of(), 0);

    private final Map<String, TreeMap<Integer, SubtaskMetrics>> byVertex;
    private final Map<String, Map<String, Long>> jvmByTaskManager;
    private final long timestamp;

    private MetricStore(Map<String, TreeMap<Integer, SubtaskMetrics>> byVertex, Map<String, Map<String, Long>> jvmByTaskManager, long timestamp) {
        this.byVertex = byVertex;
        this.jvmByTaskManager = jvmByTaskManager;
        this.timestamp = timestamp;
    }

    /**
     * Builds the store from each TaskManager's samples (TaskManager id → samples of its scrape).
     * Task metrics need {@code job_id}, {@code task_id} and {@code subtask_index}; the watermark is
     * taken from the operator whose {@code operator_id} is the {@code task_id} (the chain's head).
     */
    public static MetricStore of(Map<String, List<PrometheusText.Sample>> samplesByTaskManager, long timestamp) {
        Map<String, TreeMap<Integer, SubtaskMetrics>> byVertex = new HashMap<>();
        Map<String, Map<String, Long>> jvm = new HashMap<>();
        samplesByTaskManager.forEach((tm, samples) -> {
            Map<String, Long> memory = new LinkedHashMap<>();
            for (PrometheusText.Sample s : samples) {
                switch (s.name()) {
                    case JVM_MEMORY_USED, JVM_MEMORY_COMMITTED, JVM_MEMORY_MAX -> addMemory(memory, s);
                    case INPUT_WATERMARK -> {
                        String operator = s.labels().get("operator_id");
                        if (operator != null && operator.equals(s.labels().get("task_id"))) {
                            put(byVertex, tm, s);
                        }
                    }
                    default -> put(byVertex, tm, s);
                }
            }
            jvm.put(tm, Collections.unmodifiableMap(memory));
        });
        return new MetricStore(byVertex, jvm, timestamp);
    }

    private static void put(Map<String, TreeMap<Integer, SubtaskMetrics>> byVertex, String tm, PrometheusText.Sample s) {
        String job = s.labels().get("job_id");
        String task = s.labels().get("task_id");
        String index = s.labels().get("subtask_index");
        if (job == null || task == null || index == null) {
            return;
        }
        int subtask;
        try {
            subtask = Integer.parseInt(index);
        } catch (NumberFormatException e) {
            return;
        }
        byVertex.computeIfAbsent(job + "/" + task, k -> new TreeMap<>())
                .compute(subtask, (k, m) -> (m == null ? SubtaskMetrics.empty(tm) : m).with(s.name(), s.value()));
    }

    /** Sums Micrometer's JVM memory pools into Flink's heap/nonHeap used/committed/max (a max of -1, undefined, is left out). */
    private static void addMemory(Map<String, Long> memory, PrometheusText.Sample s) {
        String area = s.labels().get("area");
        if (area == null || Double.isNaN(s.value()) || s.value() < 0) {
            return;
        }
        String prefix = "heap".equals(area) ? "heap" : "nonheap".equals(area) ? "nonHeap" : null;
        if (prefix == null) {
            return;
        }
        String suffix = switch (s.name()) {
            case JVM_MEMORY_USED -> "Used";
            case JVM_MEMORY_COMMITTED -> "Committed";
            default -> "Max";
        };
        memory.merge(prefix + suffix, (long) s.value(), Long::sum);
    }

    /** The subtasks of a vertex that reported metrics, by subtask index; empty when none did. */
    public Map<Integer, SubtaskMetrics> vertex(String jobId, String vertexId) {
        TreeMap<Integer, SubtaskMetrics> m = byVertex.get(jobId + "/" + vertexId);
        return m == null ? Map.of() : Collections.unmodifiableMap(m);
    }

    /** Heap/nonHeap Used/Committed/Max in bytes of a TaskManager's JVM; empty when it was not scraped. */
    public Map<String, Long> jvmMemory(String taskManagerId) {
        return jvmByTaskManager.getOrDefault(taskManagerId, Map.of());
    }

    /** When the scrape started, epoch milliseconds. */
    public long timestamp() {
        return timestamp;
    }
}
