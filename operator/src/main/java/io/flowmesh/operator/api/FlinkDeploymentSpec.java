package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/**
 * Spec of a FlinkDeployment: a Flowmesh cluster, running one job (application mode) or accepting
 * FlinkSessionJobs (session mode, no job).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlinkDeploymentSpec extends AbstractFlinkSpec {
    /** Container image of the Flowmesh services, e.g. ghcr.io/flowmesh/flowmesh:0.1.0. */
    private String image;
    /** Always, IfNotPresent or Never. */
    private String imagePullPolicy;
    /** ServiceAccount of the cluster's pods (flink). */
    private String serviceAccount;
    /** The Flink version the manifest was written for. */
    private FlinkVersion flinkVersion;
    /** Ingress for the dispatcher. */
    private IngressSpec ingress;
    /** Base pod template for all pods. */
    private Pod podTemplate;
    /** JobManager pods. */
    private JobManagerSpec jobManager;
    /** TaskManager pods. */
    private TaskManagerSpec taskManager;
    /** Log configuration files by name (accepted; passed as a ConfigMap). */
    private Map<String, String> logConfiguration;
    /** native (default) or standalone. */
    private KubernetesDeploymentMode mode;

    public String getImage() { return image; }
    public void setImage(String image) { this.image = image; }
    public String getImagePullPolicy() { return imagePullPolicy; }
    public void setImagePullPolicy(String imagePullPolicy) { this.imagePullPolicy = imagePullPolicy; }
    public String getServiceAccount() { return serviceAccount; }
    public void setServiceAccount(String serviceAccount) { this.serviceAccount = serviceAccount; }
    public FlinkVersion getFlinkVersion() { return flinkVersion; }
    public void setFlinkVersion(FlinkVersion flinkVersion) { this.flinkVersion = flinkVersion; }
    public IngressSpec getIngress() { return ingress; }
    public void setIngress(IngressSpec ingress) { this.ingress = ingress; }
    public Pod getPodTemplate() { return podTemplate; }
    public void setPodTemplate(Pod podTemplate) { this.podTemplate = podTemplate; }
    public JobManagerSpec getJobManager() { return jobManager; }
    public void setJobManager(JobManagerSpec jobManager) { this.jobManager = jobManager; }
    public TaskManagerSpec getTaskManager() { return taskManager; }
    public void setTaskManager(TaskManagerSpec taskManager) { this.taskManager = taskManager; }
    public Map<String, String> getLogConfiguration() { return logConfiguration; }
    public void setLogConfiguration(Map<String, String> logConfiguration) { this.logConfiguration = logConfiguration; }
    public KubernetesDeploymentMode getMode() { return mode; }
    public void setMode(KubernetesDeploymentMode mode) { this.mode = mode; }
}
