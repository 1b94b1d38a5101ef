package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PrinterColumn;

/**
 * The job as last observed (Flink operator's status.jobStatus).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobStatus {
    /** The job's name. */
    private String jobName;
    /** The job id given by the dispatcher. */
    private String jobId;
    /** Flink's job state: CREATED, RUNNING, FAILING, FAILED, CANCELLING, CANCELED, FINISHED, RESTARTING, SUSPENDED, or RECONCILING while the operator works. */
    @PrinterColumn(name = "Job Status")
    private String state;
    /** Start time, epoch millis as a string. */
    private String startTime;
    /** Last observation, epoch millis as a string. */
    private String updateTime;
    /** The savepoint or checkpoint the next deployment restores from. */
    private String upgradeSavepointPath;
    /** Savepoints. */
    private SavepointInfo savepointInfo = new SavepointInfo();
    /** Checkpoints. */
    private CheckpointInfo checkpointInfo = new CheckpointInfo();

    public String getJobName() { return jobName; }
    public void setJobName(String jobName) { this.jobName = jobName; }
    public String getJobId() { return jobId; }
    public void setJobId(String jobId) { this.jobId = jobId; }
    public String getState() { return state; }
    public void setState(String state) { this.state = state; }
    public String getStartTime() { return startTime; }
    public void setStartTime(String startTime) { this.startTime = startTime; }
    public String getUpdateTime() { return updateTime; }
    public void setUpdateTime(String updateTime) { this.updateTime = updateTime; }
    public String getUpgradeSavepointPath() { return upgradeSavepointPath; }
    public void setUpgradeSavepointPath(String upgradeSavepointPath) { this.upgradeSavepointPath = upgradeSavepointPath; }
    public SavepointInfo getSavepointInfo() { return savepointInfo; }
    public void setSavepointInfo(SavepointInfo savepointInfo) { this.savepointInfo = savepointInfo; }
    public CheckpointInfo getCheckpointInfo() { return checkpointInfo; }
    public void setCheckpointInfo(CheckpointInfo checkpointInfo) { this.checkpointInfo = checkpointInfo; }
}
