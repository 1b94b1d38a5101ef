package io.flowmesh.dispatcher.rest.metrics;

/**
 * What one TaskManager reported for one subtask (one attempt of a vertex's subtask index) at the
 * last scrape. A {@code null} field: the metric was not in the scrape (not reported yet, or not
 * reported by this TaskManager's version).
 *
 * @param numRecordsIn {@code flink_taskmanager_job_task_numRecordsIn}
 * @param numRecordsOut {@code flink_taskmanager_job_task_numRecordsOut}
 * @param busyTimeMsPerSecond {@code flink_taskmanager_job_task_busyTimeMsPerSecond}
 * @param backPressuredTimeMsPerSecond {@code flink_taskmanager_job_task_backPressuredTimeMsPerSecond}
 * @param idleTimeMsPerSecond {@code flink_taskmanager_job_task_idleTimeMsPerSecond}
 * @param currentInputWatermark {@code flink_taskmanager_job_task_operator_currentInputWatermark} of the
 *     chain's head operator (operator id = vertex id), the subtask's input watermark
 * @param taskManagerId the TaskManager that served the metrics
 */
public record SubtaskMetrics(Double numRecordsIn, Double numRecordsOut, Double busyTimeMsPerSecond, Double backPressuredTimeMsPerSecond,
        Double idleTimeMsPerSecond, Double currentInputWatermark, String taskManagerId) {

    static SubtaskMetrics empty(String taskManagerId) {
        return new SubtaskMetrics(null, null, null, null, null, null, taskManagerId);
    }

    SubtaskMetrics with(String metric, double value) {
        return switch (metric) {
            case MetricStore.NUM_RECORDS_IN -> new SubtaskMetrics(value, numRecordsOut, busyTimeMsPerSecond, backPressuredTimeMsPerSecond,
                    idleTimeMsPerSecond, currentInputWatermark, taskManagerId);
            case MetricStore.NUM_RECORDS_OUT -> new SubtaskMetrics(numRecordsIn, value, busyTimeMsPerSecond, backPressuredTimeMsPerSecond,
                    idleTimeMsPerSecond, currentInputWatermark, taskManagerId);
            case MetricStore.BUSY -> new SubtaskMetrics(numRecordsIn, numRecordsOut, value, backPressuredTimeMsPerSecond, idleTimeMsPerSecond,
                    currentInputWatermark, taskManagerId);
            case MetricStore.BACK_PRESSURED -> new SubtaskMetrics(numRecordsIn, numRecordsOut, busyTimeMsPerSecond, value, idleTimeMsPerSecond,
                    currentInputWatermark, taskManagerId);
            case MetricStore.IDLE -> new SubtaskMetrics(numRecordsIn, numRecordsOut, busyTimeMsPerSecond, backPressuredTimeMsPerSecond, value,
                    currentInputWatermark, taskManagerId);
            case MetricStore.INPUT_WATERMARK -> new SubtaskMetrics(numRecordsIn, numRecordsOut, busyTimeMsPerSecond, backPressuredTimeMsPerSecond,
                    idleTimeMsPerSecond, value, taskManagerId);
            default -> this;
        };
    }
}
