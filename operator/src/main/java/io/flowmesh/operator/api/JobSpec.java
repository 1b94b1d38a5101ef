package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The job of an application deployment or session job (Flink operator's JobSpec).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobSpec {
    /** Where the job jar is: s3://..., https://... or local:///path inside the image. */
    @JsonProperty("jarURI")
    private String jarURI;
    /** Parallelism of the job (parallelism.default); must be > 0. */
    private Integer parallelism;
    /** The class whose main builds the pipeline; default: the jar manifest's Main-Class. */
    private String entryClass;
    /** Arguments of main. */
    private List<String> args;
    /** Desired state: running (default) or suspended. */
    private JobState state;
    /** A new value triggers a manual savepoint. */
    private Long savepointTriggerNonce;
    /** Savepoint to start from on the first deployment. */
    private String initialSavepointPath;
    /** A new value triggers a manual checkpoint (accepted; not acted on yet). */
    private Long checkpointTriggerNonce;
    /** stateless (default), last-state or savepoint. */
    private UpgradeMode upgradeMode;
    /** Skip savepoint state of operators the job no longer has. */
    private Boolean allowNonRestoredState;
    /** A new value redeploys from initialSavepointPath (accepted; acted on as a restart). */
    private Long savepointRedeployNonce;

    public String getJarURI() { return jarURI; }
    public void setJarURI(String jarURI) { this.jarURI = jarURI; }
    public Integer getParallelism() { return parallelism; }
    public void setParallelism(Integer parallelism) { this.parallelism = parallelism; }
    public String getEntryClass() { return entryClass; }
    public void setEntryClass(String entryClass) { this.entryClass = entryClass; }
    public List<String> getArgs() { return args; }
    public void setArgs(List<String> args) { this.args = args; }
    public JobState getState() { return state; }
    public void setState(JobState state) { this.state = state; }
    public Long getSavepointTriggerNonce() { return savepointTriggerNonce; }
    public void setSavepointTriggerNonce(Long savepointTriggerNonce) { this.savepointTriggerNonce = savepointTriggerNonce; }
    public String getInitialSavepointPath() { return initialSavepointPath; }
    public void setInitialSavepointPath(String initialSavepointPath) { this.initialSavepointPath = initialSavepointPath; }
    public Long getCheckpointTriggerNonce() { return checkpointTriggerNonce; }
    public void setCheckpointTriggerNonce(Long checkpointTriggerNonce) { this.checkpointTriggerNonce = checkpointTriggerNonce; }
    public UpgradeMode getUpgradeMode() { return upgradeMode; }
    public void setUpgradeMode(UpgradeMode upgradeMode) { this.upgradeMode = upgradeMode; }
    public Boolean getAllowNonRestoredState() { return allowNonRestoredState; }
    public void setAllowNonRestoredState(Boolean allowNonRestoredState) { this.allowNonRestoredState = allowNonRestoredState; }
    public Long getSavepointRedeployNonce() { return savepointRedeployNonce; }
    public void setSavepointRedeployNonce(Long savepointRedeployNonce) { this.savepointRedeployNonce = savepointRedeployNonce; }
}
