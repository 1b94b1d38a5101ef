package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The JobManager's pods (Flowmesh runs the dispatcher, JobManager and checkpoint coordinator under
 * this spec).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobManagerSpec {
    /** Resources of each pod. */
    private Resource resource;
    /** JobManager replicas; more than one needs HA (standby JobManagers). */
    private Integer replicas;
    /** Merged over spec.podTemplate for these pods. */
    private Pod podTemplate;

    public Resource getResource() { return resource; }
    public void setResource(Resource resource) { this.resource = resource; }
    public Integer getReplicas() { return replicas; }
    public void setReplicas(Integer replicas) { this.replicas = replicas; }
    public Pod getPodTemplate() { return podTemplate; }
    public void setPodTemplate(Pod podTemplate) { this.podTemplate = podTemplate; }
}
