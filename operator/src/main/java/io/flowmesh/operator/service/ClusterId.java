package io.flowmesh.operator.service;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** A Flowmesh cluster, named after its FlinkDeployment: namespace and name. */
public record ClusterId(String namespace, String name) {
    public static ClusterId of(HasMetadata deployment) {
        return new ClusterId(deployment.getMetadata().getNamespace(), deployment.getMetadata().getName());
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
