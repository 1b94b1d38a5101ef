package io.flowmesh.dispatcher.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the REST API, with Flink's field names (Flink's {@code rest_v1_dispatcher.yml}
 * schema names in the comments). Immutable; built by the resources, written by Jackson. Where
 * Flowmesh has no value for a Flink field the field still appears with the value docs/rest-api.md
 * names (so clients that parse it keep working), never an invented measurement.
 */
public final class RestModel {
    private RestModel() {}

    /** {@code ErrorResponseBody}. */
    public record Errors(List<String> errors) {}

    /** {@code ClusterOverviewWithVersion}. */
    public record ClusterOverview(
            int taskmanagers,
            @JsonProperty("slots-total") int slotsTotal,
            @JsonProperty("slots-available") int slotsAvailable,
            @JsonProperty("slots-free-and-blocked") int slotsFreeAndBlocked,
            @JsonProperty("taskmanagers-blocked") int taskmanagersBlocked,
            @JsonProperty("jobs-running") int jobsRunning,
            @JsonProperty("jobs-finished") int jobsFinished,
            @JsonProperty("jobs-cancelled") int jobsCancelled,
            @JsonProperty("jobs-failed") int jobsFailed,
            @JsonProperty("flink-version") String flinkVersion,
            @JsonProperty("flink-commit") String flinkCommit) {}

    /** {@code JobConfigInfo}: the job's id, name and execution configuration. */
    public record JobConfigInfo(String jid, String name, @JsonProperty("execution-config") ExecutionConfig executionConfig) {}

    /**
     * {@code ExecutionConfigInfo}. {@code user-config} holds the job's whole configuration (Flink's
     * keys as the job set them), which is where a Flowmesh job keeps what Flink's global job
     * parameters hold.
     */
    public record ExecutionConfig(
            @JsonProperty("execution-mode") String executionMode,
            @JsonProperty("restart-strategy") String restartStrategy,
            @JsonProperty("job-parallelism") int jobParallelism,
            @JsonProperty("object-reuse-mode") boolean objectReuseMode,
            @JsonProperty("user-config") Map<String, String> userConfig) {}

    /** {@code DashboardConfiguration}. */
    public record DashboardConfiguration(
            @JsonProperty("refresh-interval") long refreshInterval,
            @JsonProperty("timezone-name") String timezoneName,
            @JsonProperty("timezone-offset") int timezoneOffset,
            @JsonProperty("flink-version") String flinkVersion,
            @JsonProperty("flink-revision") String flinkRevision,
            Features features) {}

    /** {@code Features}. */
    public record Features(
            @JsonProperty("web-submit") boolean webSubmit,
            @JsonProperty("web-cancel") boolean webCancel,
            @JsonProperty("web-rescale") boolean webRescale,
            @JsonProperty("web-history") boolean webHistory) {}

    /** {@code JobIdsWithStatusOverview}. */
    public record JobIdsWithStatusOverview(List<JobIdWithStatus> jobs) {}

    /** {@code JobIdWithStatus}. */
    public record JobIdWithStatus(String id, String status) {}

    /** {@code MultipleJobsDetails}. */
    public record MultipleJobsDetails(List<JobOverview> jobs) {}

    /**
     * {@code JobDetails}: one job of {@code /jobs/overview}. {@code tasks} has Flink's lower-case
     * state names and {@code total}.
     */
    public record JobOverview(
            String jid,
            String name,
            String state,
            @JsonProperty("start-time") long startTime,
            @JsonProperty("end-time") long endTime,
            long duration,
            @JsonProperty("last-modification") long lastModification,
            Map<String, Integer> tasks) {}

    /** {@code JobDetailsInfo}. */
    public record JobDetailsInfo(
            String jid,
            String name,
            boolean isStoppable,
            String state,
            @JsonProperty("start-time") long startTime,
            @JsonProperty("end-time") long endTime,
            long duration,
            long maxParallelism,
            long now,
            Map<String, Long> timestamps,
            List<JobVertexInfo> vertices,
            @JsonProperty("status-counts") Map<String, Integer> statusCounts,
            Map<String, Object> plan) {}

    /** {@code JobDetailsVertexInfo}. */
    public record JobVertexInfo(
            String id,
            String name,
            int maxParallelism,
            int parallelism,
            String status,
            @JsonProperty("start-time") long startTime,
            @JsonProperty("end-time") long endTime,
            long duration,
            Map<String, Integer> tasks,
            IOMetrics metrics) {}

    /** {@code IOMetricsInfo}. */
    public record IOMetrics(
            @JsonProperty("read-bytes") long readBytes,
            @JsonProperty("read-bytes-complete") boolean readBytesComplete,
            @JsonProperty("write-bytes") long writeBytes,
            @JsonProperty("write-bytes-complete") boolean writeBytesComplete,
            @JsonProperty("read-records") long readRecords,
            @JsonProperty("read-records-complete") boolean readRecordsComplete,
            @JsonProperty("write-records") long writeRecords,
            @JsonProperty("write-records-complete") boolean writeRecordsComplete,
            @JsonProperty("accumulated-backpressured-time") long accumulatedBackpressuredTime,
            @JsonProperty("accumulated-idle-time") long accumulatedIdleTime,
            @JsonProperty("accumulated-busy-time") double accumulatedBusyTime) {}

    /** {@code JobPlanInfo}. */
    public record JobPlanInfo(Map<String, Object> plan) {}

    /** {@code JobVertexDetailsInfo}. */
    public record JobVertexDetailsInfo(
            String id,
            String name,
            int parallelism,
            int maxParallelism,
            long now,
            List<SubtaskAttempt> subtasks,
            Map<String, Object> aggregated) {}

    /** {@code SubtaskExecutionAttemptDetailsInfo}. */
    public record SubtaskAttempt(
            int subtask,
            String status,
            int attempt,
            String host,
            @JsonProperty("start-time") long startTime,
            @JsonProperty("end-time") long endTime,
            long duration,
            IOMetrics metrics,
            @JsonProperty("taskmanager-id") String taskmanagerId,
            @JsonProperty("status-duration") Map<String, Long> statusDuration) {}

    /** {@code JobVertexBackPressureInfo}; only {@code status} when no metrics are available (Flink's "deprecated"). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BackPressureInfo(
            String status,
            String backpressureLevel,
            @JsonProperty("end-timestamp") Long endTimestamp,
            List<SubtaskBackPressure> subtasks) {}

    /** {@code SubtaskBackPressureInfo}. */
    public record SubtaskBackPressure(
            int subtask,
            @JsonProperty("attempt-number") int attemptNumber,
            String backpressureLevel,
            double ratio,
            double idleRatio,
            double busyRatio) {}

    /** {@code Metric}. */
    public record Metric(String id, String value) {}

    /** {@code TaskManagersInfo}. */
    public record TaskManagersInfo(List<TaskManagerInfo> taskmanagers) {}

    /** {@code TaskManagerInfo} and, with {@code metrics} and {@code allocatedSlots}, {@code TaskManagerDetailsInfo}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskManagerInfo(
            String id,
            String path,
            int dataPort,
            int jmxPort,
            long timeSinceLastHeartbeat,
            int slotsNumber,
            int freeSlots,
            boolean blocked,
            Map<String, Object> totalResource,
            Map<String, Object> freeResource,
            Map<String, Object> hardware,
            Map<String, Object> memoryConfiguration,
            Map<String, Object> metrics,
            List<Map<String, Object>> allocatedSlots) {}

    /** {@code TriggerResponse}. */
    public record TriggerResponse(@JsonProperty("request-id") String requestId) {}

    /** {@code AsynchronousOperationResult}; {@code operation} absent while IN_PROGRESS. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AsynchronousOperationResult(QueueStatus status, Map<String, Object> operation) {}

    /** {@code QueueStatus}: IN_PROGRESS or COMPLETED. */
    public record QueueStatus(String id) {}

    /** {@code SavepointTriggerRequestBody}. */
    public record SavepointTriggerRequest(
            @JsonProperty("target-directory") String targetDirectory,
            @JsonProperty("cancel-job") Boolean cancelJob,
            String formatType,
            String triggerId) {}

    /** {@code StopWithSavepointRequestBody}. */
    public record StopWithSavepointRequest(String targetDirectory, Boolean drain, String formatType, String triggerId) {}

    /** {@code JarUploadResponseBody}. */
    public record JarUploadResponse(String filename, String status) {}

    /** {@code JarListInfo}. */
    public record JarListInfo(String address, List<JarFileInfo> files) {}

    /** {@code JarFileInfo}. */
    public record JarFileInfo(String id, String name, long uploaded, List<JarEntryInfo> entry) {}

    /** {@code JarEntryInfo}. */
    public record JarEntryInfo(String name, String description) {}

    /** {@code JarRunRequestBody}. */
    public record JarRunRequest(
            String entryClass,
            String programArgs,
            List<String> programArgsList,
            Integer parallelism,
            String jobId,
            Boolean allowNonRestoredState,
            String savepointPath,
            String restoreMode,
            Map<String, String> flinkConfiguration) {}

    /** {@code JarRunResponseBody}. */
    public record JarRunResponse(String jobid) {}
}
