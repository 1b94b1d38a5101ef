package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What FlinkDeployment and FlinkSessionJob specs share.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class AbstractFlinkSpec {
    /** The job; absent in a session cluster. */
    private JobSpec job;
    /** A new value restarts the job (or the cluster) with the current upgradeMode. */
    private Long restartNonce;
    /** Flink configuration with Flink's keys, including the kubernetes.operator.* keys the operator reads. */
    private Map<String, String> flinkConfiguration;

    public JobSpec getJob() { return job; }
    public void setJob(JobSpec job) { this.job = job; }
    public Long getRestartNonce() { return restartNonce; }
    public void setRestartNonce(Long restartNonce) { this.restartNonce = restartNonce; }
    public Map<String, String> getFlinkConfiguration() { return flinkConfiguration; }
    public void setFlinkConfiguration(Map<String, String> flinkConfiguration) { this.flinkConfiguration = flinkConfiguration; }
}
