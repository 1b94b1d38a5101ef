package io.flowmesh.dispatcher.rest;

import io.flowmesh.dispatcher.checkpoint.CheckpointControl;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.SavepointStatus;
import io.flowmesh.proto.SavepointStatusRequest;
import io.flowmesh.proto.TriggerSavepointRequest;
import io.flowmesh.proto.TriggerSavepointResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Flink's asynchronous savepoint operations over the dispatcher's {@link CheckpointControl}. A
 * request id (Flink's trigger id, 32 hex) is the savepoint's checkpoint id written as 32 hex digits,
 * so a restarted dispatcher still answers it; a trigger id the client chose (Flink's optional
 * {@code triggerId}) is remembered in memory for the job, and a repeated one is answered with the
 * same operation instead of a second savepoint. Thread-safe; blocking (coordinator calls).
 */
@Singleton
public class SavepointOperations {
    private static final Pattern TRIGGER_ID = Pattern.compile("[0-9a-f]{32}");

    @Inject
    CheckpointControl checkpoints;

    private final Map<String, Long> chosenIds = new ConcurrentHashMap<>();

    /** Triggers a savepoint (or stop with savepoint, per {@code type}) of the job; returns the request id. */
    public synchronized String trigger(String jobId, CheckpointType type, String targetDirectory, String triggerId) {
        if (triggerId != null && !triggerId.isEmpty()) {
            if (!TRIGGER_ID.matcher(triggerId).matches()) {
                throw RestException.badRequest("triggerId must be 32 lower-case hexadecimal characters, was '" + triggerId + "'");
            }
            if (chosenIds.containsKey(jobId + "/" + triggerId)) {
                return triggerId;
            }
        }
        TriggerSavepointRequest request = TriggerSavepointRequest.newBuilder().setJobId(jobId).setType(type)
                .setTargetDirectory(targetDirectory == null ? "" : targetDirectory.strip()).build();
        TriggerSavepointResponse response = type == CheckpointType.SAVEPOINT ? checkpoints.triggerSavepoint(request) : checkpoints.stopJob(request);
        if (triggerId != null && !triggerId.isEmpty()) {
            chosenIds.put(jobId + "/" + triggerId, response.getCheckpointId());
            return triggerId;
        }
        return requestId(response.getCheckpointId());
    }

    static String requestId(long checkpointId) {
        return String.format("%032x", checkpointId);
    }

    /** Flink's {@code AsynchronousOperationResult} of the operation. */
    public RestModel.AsynchronousOperationResult status(String jobId, String triggerId) {
        Long checkpointId = chosenIds.get(jobId + "/" + triggerId);
        if (checkpointId == null) {
            if (!TRIGGER_ID.matcher(triggerId).matches()) {
                throw RestException.notFound("There is no savepoint operation with triggerId=" + triggerId + " for job " + jobId + ".");
            }
            checkpointId = Long.parseUnsignedLong(triggerId.substring(16), 16);
            if (!triggerId.startsWith("0000000000000000") || checkpointId <= 0) {
                throw RestException.notFound("There is no savepoint operation with triggerId=" + triggerId + " for job " + jobId + ".");
            }
        }
        SavepointStatus s = checkpoints.savepointStatus(SavepointStatusRequest.newBuilder().setJobId(jobId).setCheckpointId(checkpointId).build());
        if (s.getStatus() == CheckpointStatus.CHECKPOINT_IN_PROGRESS || s.getStatus() == CheckpointStatus.CHECKPOINT_STATUS_UNSPECIFIED) {
            return new RestModel.AsynchronousOperationResult(new RestModel.QueueStatus("IN_PROGRESS"), null);
        }
        Map<String, Object> operation = new LinkedHashMap<>();
        if (s.getStatus() == CheckpointStatus.CHECKPOINT_COMPLETED) {
            operation.put("location", s.getLocation());
        } else {
            Map<String, Object> cause = new LinkedHashMap<>();
            String message = s.getFailureCause();
            int colon = message.indexOf(':');
            if (colon > 0 && !message.substring(0, colon).contains(" ")) {
                cause.put("class", message.substring(0, colon));
            }
            cause.put("stack-trace", message);
            operation.put("failure-cause", cause);
        }
        return new RestModel.AsynchronousOperationResult(new RestModel.QueueStatus("COMPLETED"), operation);
    }
}
