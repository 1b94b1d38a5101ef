package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The TaskManager pods.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TaskManagerSpec {
    /** Resources of each pod. */
    private Resource resource;
    /** TaskManager pods in standalone mode (native mode: derived from parallelism and slots). */
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
