package io.flowmesh.operator.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A job submitted to the session cluster of a {@link FlinkDeployment} (one without a job) in the
 * same namespace: the Flink Kubernetes Operator's FlinkSessionJob under {@code flowmesh.io/v1beta1}.
 */
@Group(FlinkDeployment.GROUP)
@Version(FlinkDeployment.VERSION)
@ShortNames({"sessionjob", "fmsessionjob"})
public class FlinkSessionJob extends CustomResource<FlinkSessionJobSpec, FlinkSessionJobStatus> implements Namespaced {
    @Override
    protected FlinkSessionJobStatus initStatus() {
        return new FlinkSessionJobStatus();
    }
}
