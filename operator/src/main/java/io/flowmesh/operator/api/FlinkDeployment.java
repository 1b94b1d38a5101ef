package io.flowmesh.operator.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Flowmesh cluster and, in application mode, its job: the Flink Kubernetes Operator's
 * FlinkDeployment under Flowmesh's own API group {@code flowmesh.io/v1beta1}, with the same spec and
 * status fields, so that a manifest migrates by changing {@code apiVersion}, {@code image} and
 * {@code jarURI} (docs/kubernetes.md).
 */
@Group(FlinkDeployment.GROUP)
@Version(FlinkDeployment.VERSION)
@ShortNames({"flinkdep", "fmdep"})
public class FlinkDeployment extends CustomResource<FlinkDeploymentSpec, FlinkDeploymentStatus> implements Namespaced {
    public static final String GROUP = "flowmesh.io";
    public static final String VERSION = "v1beta1";

    @Override
    protected FlinkDeploymentStatus initStatus() {
        return new FlinkDeploymentStatus();
    }
}
