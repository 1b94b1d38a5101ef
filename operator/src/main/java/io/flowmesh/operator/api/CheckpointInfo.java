package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Checkpoints of a job as last observed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointInfo {
    /** The latest completed checkpoint. */
    private Checkpoint lastCheckpoint;
    /** Id of a manual checkpoint in progress. */
    private String triggerId;
    /** When it was triggered. */
    private Long triggerTimestamp;
    /** Its trigger. */
    private SnapshotTriggerType triggerType;
    /** Its format. */
    private SnapshotFormatType formatType;
    /** Last periodic checkpoint trigger time. */
    private long lastPeriodicCheckpointTimestamp;

    public Checkpoint getLastCheckpoint() { return lastCheckpoint; }
    public void setLastCheckpoint(Checkpoint lastCheckpoint) { this.lastCheckpoint = lastCheckpoint; }
    public String getTriggerId() { return triggerId; }
    public void setTriggerId(String triggerId) { this.triggerId = triggerId; }
    public Long getTriggerTimestamp() { return triggerTimestamp; }
    public void setTriggerTimestamp(Long triggerTimestamp) { this.triggerTimestamp = triggerTimestamp; }
    public SnapshotTriggerType getTriggerType() { return triggerType; }
    public void setTriggerType(SnapshotTriggerType triggerType) { this.triggerType = triggerType; }
    public SnapshotFormatType getFormatType() { return formatType; }
    public void setFormatType(SnapshotFormatType formatType) { this.formatType = formatType; }
    public long getLastPeriodicCheckpointTimestamp() { return lastPeriodicCheckpointTimestamp; }
    public void setLastPeriodicCheckpointTimestamp(long lastPeriodicCheckpointTimestamp) { this.lastPeriodicCheckpointTimestamp = lastPeriodicCheckpointTimestamp; }
}
