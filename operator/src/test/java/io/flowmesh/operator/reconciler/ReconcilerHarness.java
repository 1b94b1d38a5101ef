package io.flowmesh.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowmesh.operator.api.FlinkDeployment;
import io.flowmesh.operator.api.FlinkDeploymentSpec;
import io.flowmesh.operator.api.FlinkSessionJob;
import io.flowmesh.operator.api.FlinkSessionJobSpec;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives the reconcilers as JOSDK would, against the fabric8 mock API server in CRUD mode: read the
 * resource, reconcile, write the status back. No operator loop: each {@code reconcile} call is one
 * reconciliation.
 */
final class ReconcilerHarness {
    final KubernetesClient client;
    final MutableClock clock = new MutableClock();
    final InMemoryClusterService service = new InMemoryClusterService(clock);
    final FlinkDeploymentReconciler deployments;
    final FlinkSessionJobReconciler sessionJobs;
    UpdateControl<?> lastControl;

    ReconcilerHarness(KubernetesClient client) {
        this.client = client;
        this.deployments = new FlinkDeploymentReconciler(client, service, clock);
        this.sessionJobs = new FlinkSessionJobReconciler(client, service, clock);
    }

    /** Removes what earlier tests left on the (per-class) mock server. */
    void clear() {
        client.resources(FlinkSessionJob.class).inNamespace(Resources.NS).delete();
        client.resources(FlinkDeployment.class).inNamespace(Resources.NS).delete();
        client.v1().events().inNamespace(Resources.NS).delete();
    }

    FlinkDeployment create(FlinkDeployment d) {
        return client.resource(d).create();
    }

    FlinkSessionJob create(FlinkSessionJob sj) {
        return client.resource(sj).create();
    }

    FlinkDeployment get(String name) {
        return client.resources(FlinkDeployment.class).inNamespace(Resources.NS).withName(name).get();
    }

    FlinkSessionJob getSessionJob(String name) {
        return client.resources(FlinkSessionJob.class).inNamespace(Resources.NS).withName(name).get();
    }

    /** One reconciliation of the FlinkDeployment; returns it as stored afterwards. */
    FlinkDeployment reconcile(String name) {
        UpdateControl<FlinkDeployment> control = deployments.reconcile(get(name), null);
        lastControl = control;
        if (control.isPatchStatus()) {
            client.resource(control.getResource().orElseThrow()).updateStatus();
        }
        return get(name);
    }

    FlinkSessionJob reconcileSessionJob(String name) {
        UpdateControl<FlinkSessionJob> control = sessionJobs.reconcile(getSessionJob(name), null);
        lastControl = control;
        if (control.isPatchStatus()) {
            client.resource(control.getResource().orElseThrow()).updateStatus();
        }
        return getSessionJob(name);
    }

    /** Reconciles {@code times} times; returns the last result. */
    FlinkDeployment reconcile(String name, int times) {
        FlinkDeployment d = null;
        for (int i = 0; i < times; i++) {
            d = reconcile(name);
        }
        return d;
    }

    FlinkDeployment edit(String name, Consumer<FlinkDeploymentSpec> change) {
        return client.resources(FlinkDeployment.class).inNamespace(Resources.NS).withName(name).edit(d -> {
            change.accept(d.getSpec());
            return d;
        });
    }

    FlinkSessionJob editSessionJob(String name, Consumer<FlinkSessionJobSpec> change) {
        return client.resources(FlinkSessionJob.class).inNamespace(Resources.NS).withName(name).edit(d -> {
            change.accept(d.getSpec());
            return d;
        });
    }

    DeleteControl cleanup(String name) {
        return deployments.cleanup(get(name), null);
    }

    DeleteControl cleanupSessionJob(String name) {
        return sessionJobs.cleanup(getSessionJob(name), null);
    }

    /** Events on the named resource, in the order they were recorded. */
    List<Event> events(String name) {
        return client.v1().events().inNamespace(Resources.NS).list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(name))
                .sorted(Comparator.comparing(e -> Integer.parseInt(e.getMetadata().getResourceVersion())))
                .toList();
    }

    List<String> eventReasons(String name) {
        return events(name).stream().map(Event::getReason).toList();
    }
}
