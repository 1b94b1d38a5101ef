package io.flowmesh.dispatcher.rest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parsing and grouping of a TaskManager scrape written by hand from metrics-contract.md (the names
 * and labels of Flink's PrometheusReporter, as Micrometer's Prometheus registry formats gauges).
 */
class MetricStoreTest {
    private static final String JOB = "0123456789abcdef0123456789abcdef";
    private static final String SOURCE = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String MAP = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static final String CHAINED = "cccccccccccccccccccccccccccccccc";

    static String task(String name, String vertex, int subtask, String value) {
        return name + "{job_id=\"" + JOB + "\",job_name=\"Count \\\"quoted\\\"\",subtask_index=\"" + subtask + "\",task_id=\"" + vertex
                + "\",task_name=\"Map -> Sink\",tm_id=\"tm-1\"} " + value + "\n";
    }

    static String operator(String name, String vertex, String operatorId, int subtask, String value) {
        return name + "{job_id=\"" + JOB + "\",job_name=\"Count\",operator_id=\"" + operatorId + "\",operator_name=\"op\",subtask_index=\""
                + subtask + "\",task_id=\"" + vertex + "\",task_name=\"Map -> Sink\",tm_id=\"tm-1\"} " + value + "\n";
    }

    static final String TM1 = "# HELP flink_taskmanager_job_task_numRecordsIn\n"
            + "# TYPE flink_taskmanager_job_task_numRecordsIn gauge\n"
            + task("flink_taskmanager_job_task_numRecordsIn", MAP, 0, "1500.0")
            + task("flink_taskmanager_job_task_numRecordsOut", MAP, 0, "1499.0")
            + task("flink_taskmanager_job_task_busyTimeMsPerSecond", MAP, 0, "250.0")
            + task("flink_taskmanager_job_task_backPressuredTimeMsPerSecond", MAP, 0, "600.0")
            + task("flink_taskmanager_job_task_idleTimeMsPerSecond", MAP, 0, "150.0")
            + operator("flink_taskmanager_job_task_operator_currentInputWatermark", MAP, MAP, 0, "1.7000000000123E12")
            + operator("flink_taskmanager_job_task_operator_currentInputWatermark", MAP, CHAINED, 0, "5.0")
            + task("flink_taskmanager_job_task_numRecordsOut", SOURCE, 0, "3000.0")
            + operator("flink_taskmanager_job_task_operator_currentInputWatermark", SOURCE, SOURCE, 0, "-9.223372036854776E18")
            + "flink_taskmanager_Status_taskSlotsTotal{tm_id=\"tm-1\"} 2.0\n"
            + "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1000.0\n"
            + "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 24.0\n"
            + "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 300.0\n"
            + "jvm_memory_max_bytes{area=\"heap\",id=\"G1 Eden Space\"} -1.0\n"
            + "jvm_memory_max_bytes{area=\"heap\",id=\"G1 Old Gen\"} 4096.0\n"
            + "http_server_requests_seconds_count{method=\"GET\",uri=\"/q/metrics\"} 3.0 1700000000000\n"
            + "garbage line without value\n";

    static final String TM2 = task("flink_taskmanager_job_task_numRecordsIn", MAP, 1, "+Inf")
            + task("flink_taskmanager_job_task_numRecordsOut", MAP, 1, "NaN")
            + task("flink_taskmanager_job_task_backPressuredTimeMsPerSecond", MAP, 1, "0.0");

    @Test
    void parsesNamesLabelsWithEscapesAndValues() {
        List<PrometheusText.Sample> samples = PrometheusText.parse(TM1, n -> true);
        assertThat(samples).hasSize(16);
        PrometheusText.Sample first = samples.get(0);
        assertThat(first.name()).isEqualTo("flink_taskmanager_job_task_numRecordsIn");
        assertThat(first.labels()).containsExactly(Map.entry("job_id", JOB), Map.entry("job_name", "Count \"quoted\""),
                Map.entry("subtask_index", "0"), Map.entry("task_id", MAP), Map.entry("task_name", "Map -> Sink"), Map.entry("tm_id", "tm-1"));
        assertThat(first.value()).isEqualTo(1500.0);
        assertThat(samples.get(samples.size() - 1).value()).as("a timestamp after the value is ignored").isEqualTo(3.0);
        assertThat(PrometheusText.parse(TM2, n -> true)).extracting(PrometheusText.Sample::value)
                .containsExactly(Double.POSITIVE_INFINITY, Double.NaN, 0.0);
    }

    @Test
    void keepsOnlyTheWantedNames() {
        assertThat(PrometheusText.parse(TM1, MetricStore.NAMES::contains)).extracting(PrometheusText.Sample::name)
                .doesNotContain("flink_taskmanager_Status_taskSlotsTotal", "http_server_requests_seconds_count").hasSize(14);
    }

    @Test
    void groupsTaskMetricsBySubtaskAndTakesTheHeadOperatorsWatermark() {
        MetricStore store = MetricStore.of(Map.of("tm-1", PrometheusText.parse(TM1, MetricStore.NAMES::contains),
                "tm-2", PrometheusText.parse(TM2, MetricStore.NAMES::contains)), 42);

        Map<Integer, SubtaskMetrics> map = store.vertex(JOB, MAP);
        assertThat(map).containsOnlyKeys(0, 1);
        assertThat(map.get(0)).isEqualTo(new SubtaskMetrics(1500.0, 1499.0, 250.0, 600.0, 150.0, 1.7000000000123E12, "tm-1"));
        assertThat(map.get(1).taskManagerId()).isEqualTo("tm-2");
        assertThat(map.get(1).backPressuredTimeMsPerSecond()).isEqualTo(0.0);
        assertThat(map.get(1).busyTimeMsPerSecond()).as("not in the scrape").isNull();
        assertThat(map.get(1).currentInputWatermark()).isNull();

        SubtaskMetrics source = store.vertex(JOB, SOURCE).get(0);
        assertThat(source.numRecordsIn()).isNull();
        assertThat(source.numRecordsOut()).isEqualTo(3000.0);
        assertThat(source.currentInputWatermark().longValue()).as("Long.MIN_VALUE before the first watermark").isEqualTo(Long.MIN_VALUE);

        assertThat(store.vertex(JOB, CHAINED)).as("a chained operator is no vertex").isEmpty();
        assertThat(store.vertex("ffffffffffffffffffffffffffffffff", MAP)).isEmpty();
        assertThat(store.timestamp()).isEqualTo(42);
    }

    @Test
    void sumsJvmMemoryPoolsPerTaskManagerLeavingOutUndefinedMaxima() {
        MetricStore store = MetricStore.of(Map.of("tm-1", PrometheusText.parse(TM1, MetricStore.NAMES::contains)), 0);
        assertThat(store.jvmMemory("tm-1")).containsOnly(Map.entry("heapUsed", 1024L), Map.entry("nonHeapUsed", 300L), Map.entry("heapMax", 4096L));
        assertThat(store.jvmMemory("tm-9")).isEmpty();
    }
}
