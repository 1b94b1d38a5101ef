package io.flowmesh.operator.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Records Kubernetes Events (core/v1) on a FlinkDeployment or FlinkSessionJob, one per transition,
 * with the Flink operator's reasons where it has one ({@code Submit}, {@code SpecChanged},
 * {@code Suspended}, {@code Rollback}, {@code SavepointError}, {@code JobStatusChanged},
 * {@code ValidationError}, {@code Cleanup}) and Flowmesh's own for the rest. An Event that cannot be
 * written is logged, never fails a reconciliation.
 */
public class EventRecorder {
    public static final String COMPONENT = "flowmesh-operator";
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void normal(HasMetadata resource, String reason, String message) {
        record(resource, "Normal", reason, message);
    }

    public void warning(HasMetadata resource, String reason, String message) {
        record(resource, "Warning", reason, message);
    }

    private void record(HasMetadata resource, String type, String reason, String message) {
        String ns = resource.getMetadata().getNamespace();
        String name = resource.getMetadata().getName();
        LOG.infof("%s %s/%s %s: %s", resource.getKind(), ns, name, reason, message);
        String now = Instant.now(clock).toString();
        try {
            client.v1().events().inNamespace(ns).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(name + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
                    .withNamespace(ns)
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(resource.getApiVersion())
                            .withKind(resource.getKind())
                            .withName(name)
                            .withNamespace(ns)
                            .withUid(resource.getMetadata().getUid())
                            .build())
                    .withType(type)
                    .withReason(reason)
                    .withMessage(message)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .build()).create();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not record Event %s on %s %s/%s", reason, resource.getKind(), ns, name);
        }
    }
}
