package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A completed checkpoint.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Checkpoint {
    /** Completion time, epoch millis. */
    private long timeStamp;
    /** The checkpoint directory (chk-n). */
    private String location;
    /** What triggered it. */
    private SnapshotTriggerType triggerType;
    /** Its format. */
    private SnapshotFormatType formatType;
    /** The checkpointTriggerNonce of a manual checkpoint. */
    private Long triggerNonce;

    public long getTimeStamp() { return timeStamp; }
    public void setTimeStamp(long timeStamp) { this.timeStamp = timeStamp; }
    public String getLocation() { return location; }
    public void setLocation(String location) { this.location = location; }
    public SnapshotTriggerType getTriggerType() { return triggerType; }
    public void setTriggerType(SnapshotTriggerType triggerType) { this.triggerType = triggerType; }
    public SnapshotFormatType getFormatType() { return formatType; }
    public void setFormatType(SnapshotFormatType formatType) { this.formatType = formatType; }
    public Long getTriggerNonce() { return triggerNonce; }
    public void setTriggerNonce(Long triggerNonce) { this.triggerNonce = triggerNonce; }
}
