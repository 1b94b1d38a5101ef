package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Status of a FlinkDeployment.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlinkDeploymentStatus extends CommonStatus {
    /** Cluster facts: flowmesh-version, dispatcher address. */
    private Map<String, String> clusterInfo;
    /** The JobManager deployment. */
    private JobManagerDeploymentStatus jobManagerDeploymentStatus;

    public Map<String, String> getClusterInfo() { return clusterInfo; }
    public void setClusterInfo(Map<String, String> clusterInfo) { this.clusterInfo = clusterInfo; }
    public JobManagerDeploymentStatus getJobManagerDeploymentStatus() { return jobManagerDeploymentStatus; }
    public void setJobManagerDeploymentStatus(JobManagerDeploymentStatus jobManagerDeploymentStatus) { this.jobManagerDeploymentStatus = jobManagerDeploymentStatus; }
}
