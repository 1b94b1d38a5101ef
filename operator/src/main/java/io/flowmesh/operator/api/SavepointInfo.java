package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * Savepoints of a job: the one in progress, the last and the retained history.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SavepointInfo {
    /** The last completed savepoint. */
    private Savepoint lastSavepoint;
    /** Id of the savepoint in progress; absent when none. */
    private String triggerId;
    /** When the savepoint in progress was triggered, epoch millis. */
    private Long triggerTimestamp;
    /** Trigger of the savepoint in progress. */
    private SnapshotTriggerType triggerType;
    /** Format of the savepoint in progress. */
    private SnapshotFormatType formatType;
    /** Completed savepoints, oldest first, trimmed by kubernetes.operator.savepoint.history.max.count/.max.age. */
    private List<Savepoint> savepointHistory = new ArrayList<>();
    /** When the last periodic savepoint was triggered, epoch millis. */
    private long lastPeriodicSavepointTimestamp;

    public Savepoint getLastSavepoint() { return lastSavepoint; }
    public void setLastSavepoint(Savepoint lastSavepoint) { this.lastSavepoint = lastSavepoint; }
    public String getTriggerId() { return triggerId; }
    public void setTriggerId(String triggerId) { this.triggerId = triggerId; }
    public Long getTriggerTimestamp() { return triggerTimestamp; }
    public void setTriggerTimestamp(Long triggerTimestamp) { this.triggerTimestamp = triggerTimestamp; }
    public SnapshotTriggerType getTriggerType() { return triggerType; }
    public void setTriggerType(SnapshotTriggerType triggerType) { this.triggerType = triggerType; }
    public SnapshotFormatType getFormatType() { return formatType; }
    public void setFormatType(SnapshotFormatType formatType) { this.formatType = formatType; }
    public List<Savepoint> getSavepointHistory() { return savepointHistory; }
    public void setSavepointHistory(List<Savepoint> savepointHistory) { this.savepointHistory = savepointHistory; }
    public long getLastPeriodicSavepointTimestamp() { return lastPeriodicSavepointTimestamp; }
    public void setLastPeriodicSavepointTimestamp(long lastPeriodicSavepointTimestamp) { this.lastPeriodicSavepointTimestamp = lastPeriodicSavepointTimestamp; }
}
