package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Spec of a FlinkSessionJob: a job submitted to the session cluster of a FlinkDeployment in the
 * same namespace.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlinkSessionJobSpec extends AbstractFlinkSpec {
    /** Name of the session FlinkDeployment. */
    private String deploymentName;

    public String getDeploymentName() { return deploymentName; }
    public void setDeploymentName(String deploymentName) { this.deploymentName = deploymentName; }
}
