package io.flowmesh.taskmanager.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.api.metrics.Gauge;
import io.flowmesh.engine.metrics.OperatorMetricGroup;
import io.flowmesh.engine.metrics.TaskMetricGroup;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a Prometheus scrape of the TaskManager shows for a subtask: Flink's names and labels, removed when the subtask ends. */
class TaskMetricsReporterTest {
    private static final String JOB = "0123456789abcdef0123456789abcdef";
    private static final String VERTEX = "fedcba9876543210fedcba9876543210";
    private static final String TASK_LABELS = "job_id=\"" + JOB + "\",job_name=\"Orders\",subtask_index=\"1\",task_id=\"" + VERTEX
            + "\",task_name=\"Source: orders -> parse\",tm_id=\"tm-1\"";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TaskMetricsReporter reporter = new TaskMetricsReporter(registry, "tm-1");

    private static TaskMetricGroup subtask(int attempt) {
        TaskMetricGroup g = new TaskMetricGroup(JOB, "Orders", VERTEX, "Source: orders -> parse", 1, attempt);
        OperatorMetricGroup source = g.addOperator("aa", "orders");
        source.markSource();
        g.addOperator("bb", "parse");
        return g;
    }

    private List<String> lines(String prefix) {
        return Arrays.stream(registry.scrape().split("\n")).filter(l -> l.startsWith(prefix)).map(l -> l.replace(",}", "}")).sorted().toList(); // the text format allows a trailing comma
    }

    @Test
    void operatorAndSubtaskMetricsCarryFlinksNamesAndLabels() {
        TaskMetricGroup g = subtask(0);
        OperatorMetricGroup source = g.operators().get(0);
        OperatorMetricGroup parse = g.operators().get(1);
        source.gauge("KafkaSourceReader.KafkaConsumer.records-lag-max", (Gauge<Double>) () -> 42.0);
        for (int i = 0; i < 5; i++) {
            source.recordOut();
            parse.recordIn();
        }
        parse.recordOut();
        parse.outputWatermark(1_000);
        reporter.taskStarted(g);

        String parseLabels = "{job_id=\"" + JOB + "\",job_name=\"Orders\",operator_id=\"bb\",operator_name=\"parse\",subtask_index=\"1\",task_id=\""
                + VERTEX + "\",task_name=\"Source: orders -> parse\",tm_id=\"tm-1\"}";
        String sourceLabels = parseLabels.replace("\"bb\"", "\"aa\"").replace("\"parse\"", "\"orders\"");
        assertThat(lines("flink_taskmanager_job_task_operator_numRecordsIn{")).containsExactly(
                "flink_taskmanager_job_task_operator_numRecordsIn" + sourceLabels + " 5.0",
                "flink_taskmanager_job_task_operator_numRecordsIn" + parseLabels + " 5.0");
        assertThat(lines("flink_taskmanager_job_task_operator_numRecordsOut{")).containsExactly(
                "flink_taskmanager_job_task_operator_numRecordsOut" + sourceLabels + " 5.0",
                "flink_taskmanager_job_task_operator_numRecordsOut" + parseLabels + " 1.0");
        assertThat(lines("flink_taskmanager_job_task_operator_currentOutputWatermark{")).contains(
                "flink_taskmanager_job_task_operator_currentOutputWatermark" + parseLabels + " 1000.0");
        assertThat(lines("flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max{")).containsExactly(
                "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max" + sourceLabels + " 42.0");
        assertThat(lines("flink_taskmanager_job_task_numRecordsIn{")).containsExactly("flink_taskmanager_job_task_numRecordsIn{" + TASK_LABELS + "} 5.0");
        assertThat(lines("flink_taskmanager_job_task_numRecordsOut{")).containsExactly("flink_taskmanager_job_task_numRecordsOut{" + TASK_LABELS + "} 1.0");
        for (String name : List.of("busyTimeMsPerSecond", "backPressuredTimeMsPerSecond", "idleTimeMsPerSecond", "buffers_inPoolUsage",
                "buffers_outPoolUsage")) {
            assertThat(lines("flink_taskmanager_job_task_" + name + "{")).hasSize(1);
        }
        assertThat(registry.scrape()).doesNotContain("_total{job_id");

        // the values are live
        parse.recordIn();
        assertThat(lines("flink_taskmanager_job_task_operator_numRecordsIn{")).contains(
                "flink_taskmanager_job_task_operator_numRecordsIn" + parseLabels + " 6.0");

        reporter.taskEnded(g);
        assertThat(lines("flink_taskmanager_job_task")).isEmpty();
        assertThat(reporter.registeredSubtasks()).isZero();
    }

    @Test
    void aRestartedSubtaskTakesOverTheMetersAndTheOldAttemptEndingLateRemovesNothing() {
        TaskMetricGroup first = subtask(0);
        reporter.taskStarted(first);
        TaskMetricGroup second = subtask(1);
        second.operators().get(1).recordIn();
        reporter.taskStarted(second);
        reporter.taskEnded(first);
        assertThat(lines("flink_taskmanager_job_task_numRecordsIn{")).containsExactly("flink_taskmanager_job_task_numRecordsIn{" + TASK_LABELS + "} 0.0");
        assertThat(lines("flink_taskmanager_job_task_operator_numRecordsIn{")).anyMatch(l -> l.contains("\"parse\"") && l.endsWith(" 1.0"));
        reporter.taskEnded(second);
        assertThat(lines("flink_taskmanager_job_task")).isEmpty();
    }
}
