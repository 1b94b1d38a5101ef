package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * An Ingress for the dispatcher's REST/gRPC port (accepted for compatibility; see
 * docs/kubernetes.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IngressSpec {
    /** Host/path template, e.g. {{name}}.{{namespace}}.flink.k8s.io. */
    private String template;
    /** Ingress class. */
    private String className;
    /** Ingress annotations. */
    private Map<String, String> annotations;
    /** Ingress labels. */
    private Map<String, String> labels;

    public String getTemplate() { return template; }
    public void setTemplate(String template) { this.template = template; }
    public String getClassName() { return className; }
    public void setClassName(String className) { this.className = className; }
    public Map<String, String> getAnnotations() { return annotations; }
    public void setAnnotations(Map<String, String> annotations) { this.annotations = annotations; }
    public Map<String, String> getLabels() { return labels; }
    public void setLabels(Map<String, String> labels) { this.labels = labels; }
}
