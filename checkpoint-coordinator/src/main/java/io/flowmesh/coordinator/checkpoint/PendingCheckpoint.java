package io.flowmesh.coordinator.checkpoint;

import io.flowmesh.cluster.checkpoint.CheckpointSettings;
import io.flowmesh.proto.AcknowledgeCheckpoint;
import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.OperatorState;
import io.flowmesh.proto.OperatorSubtaskState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One triggered checkpoint or savepoint that has neither completed nor been aborted: the subtasks
 * it waits for and the acknowledgements it has. Not thread-safe: owned by the coordinator thread.
 */
public final class PendingCheckpoint {
    private final String jobId;
    private final long id;
    private final CheckpointType type;
    private final int attempt;
    private final String location;
    private final long triggerTimestampMs;
    private final JobGraph graph;
    private final CheckpointSettings settings;
    /** vertex id → parallelism of the graph: which (vertex, subtask) may acknowledge. */
    private final Map<String, Integer> parallelism = new HashMap<>();
    private final int totalSubtasks;
    private final Map<String, AcknowledgeCheckpoint> acks = new LinkedHashMap<>();
    private long stateSizeBytes;

    /** What an acknowledgement did. */
    public enum AckResult {
        /** Counted. */
        ACCEPTED,
        /** This subtask had acknowledged already; ignored. */
        DUPLICATE,
        /** No such vertex or subtask index in the JobGraph; ignored. */
        UNKNOWN_SUBTASK
    }

    public PendingCheckpoint(String jobId, long id, CheckpointType type, int attempt, String location, long triggerTimestampMs, JobGraph graph,
            CheckpointSettings settings) {
        this.jobId = jobId;
        this.id = id;
        this.type = type;
        this.attempt = attempt;
        this.location = location;
        this.triggerTimestampMs = triggerTimestampMs;
        this.graph = graph;
        this.settings = settings;
        int total = 0;
        for (JobVertex v : graph.getVerticesList()) {
            parallelism.put(v.getVertexId(), v.getParallelism());
            total += v.getParallelism();
        }
        this.totalSubtasks = total;
    }

    public AckResult acknowledge(AcknowledgeCheckpoint ack) {
        Integer p = parallelism.get(ack.getVertexId());
        if (p == null || ack.getSubtaskIndex() < 0 || ack.getSubtaskIndex() >= p) {
            return AckResult.UNKNOWN_SUBTASK;
        }
        if (acks.putIfAbsent(ack.getVertexId() + "#" + ack.getSubtaskIndex(), ack) != null) {
            return AckResult.DUPLICATE;
        }
        stateSizeBytes += ack.getStateSizeBytes();
        return AckResult.ACCEPTED;
    }

    public boolean fullyAcknowledged() {
        return acks.size() == totalSubtasks;
    }

    /**
     * Every source subtask of the graph acknowledged with its input ended: once complete, this is the
     * job's final checkpoint (the sources finish when they learn it). False while a source has not
     * acknowledged.
     */
    public boolean coversEndOfInput() {
        for (JobVertex v : graph.getVerticesList()) {
            if (!v.getIsSource()) {
                continue;
            }
            for (int i = 0; i < v.getParallelism(); i++) {
                AcknowledgeCheckpoint ack = acks.get(v.getVertexId() + "#" + i);
                if (ack == null || !ack.getEndOfInput()) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The {@code _metadata} content: one OperatorState per operator id of the graph (vertex order,
     * head of each chain first) with the vertex's parallelism and max parallelism and the acked
     * subtask states of that operator, by subtask index. States of operator ids the graph does not
     * have are left out.
     */
    public CheckpointMetadata metadata(long completionTimestampMs) {
        Map<String, List<OperatorSubtaskState>> byOperator = new HashMap<>();
        for (AcknowledgeCheckpoint ack : acks.values()) {
            for (OperatorSubtaskState s : ack.getOperatorStatesList()) {
                byOperator.computeIfAbsent(s.getOperatorId(), k -> new ArrayList<>()).add(s);
            }
        }
        CheckpointMetadata.Builder md = CheckpointMetadata.newBuilder().setJobId(jobId).setCheckpointId(id).setType(type)
                .setTriggerTimestampMs(triggerTimestampMs).setCompletionTimestampMs(completionTimestampMs).setAttempt(attempt);
        for (JobVertex v : graph.getVerticesList()) {
            for (int i = 0; i < v.getOperatorIdsCount(); i++) {
                String operatorId = v.getOperatorIds(i);
                List<OperatorSubtaskState> states = new ArrayList<>(byOperator.getOrDefault(operatorId, List.of()));
                states.sort(Comparator.comparingInt(OperatorSubtaskState::getSubtaskIndex));
                md.addOperators(OperatorState.newBuilder().setOperatorId(operatorId).setParallelism(v.getParallelism())
                        .setMaxParallelism(v.getMaxParallelism()).addAllSubtasks(states)
                        .setOperatorName(i < v.getOperatorNamesCount() ? v.getOperatorNames(i) : "")
                        .setUid(i < v.getOperatorUidsCount() ? v.getOperatorUids(i) : ""));
            }
        }
        return md.build();
    }

    public String jobId() {
        return jobId;
    }

    public long id() {
        return id;
    }

    public CheckpointType type() {
        return type;
    }

    public boolean isSavepoint() {
        return type != CheckpointType.CHECKPOINT;
    }

    public int attempt() {
        return attempt;
    }

    public String location() {
        return location;
    }

    public long triggerTimestampMs() {
        return triggerTimestampMs;
    }

    public int acknowledged() {
        return acks.size();
    }

    public int totalSubtasks() {
        return totalSubtasks;
    }

    /** The job's settings when it was triggered: its timeout and tolerable failures apply. */
    public CheckpointSettings settings() {
        return settings;
    }

    public long stateSizeBytes() {
        return stateSizeBytes;
    }

    private long longest(java.util.function.ToLongFunction<AcknowledgeCheckpoint> timing) {
        return acks.values().stream().mapToLong(timing).max().orElse(0);
    }

    /** The longest start delay (trigger to first barrier) any subtask acknowledged, in ms. */
    public long maxStartDelayMillis() {
        return longest(AcknowledgeCheckpoint::getStartDelayMs);
    }

    /** The longest barrier alignment any subtask acknowledged, in ms. */
    public long maxAlignmentMillis() {
        return longest(AcknowledgeCheckpoint::getAlignmentDurationMs);
    }

    /** The longest synchronous part (the consistent copy of the state, at the barrier) any subtask acknowledged, in ms. */
    public long maxSyncMillis() {
        return longest(AcknowledgeCheckpoint::getSyncDurationMs);
    }

    /** The longest asynchronous part (the upload) any subtask acknowledged, in ms. */
    public long maxAsyncMillis() {
        return longest(AcknowledgeCheckpoint::getAsyncDurationMs);
    }
}
