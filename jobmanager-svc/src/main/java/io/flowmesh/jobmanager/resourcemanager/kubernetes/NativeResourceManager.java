package io.flowmesh.jobmanager.resourcemanager.kubernetes;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowmesh.jobmanager.JobManagerConfig;
import io.flowmesh.jobmanager.ha.JobManagerLeadership;
import io.flowmesh.jobmanager.resourcemanager.TaskManagerRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Native Kubernetes mode of the JobManager: when {@code flowmesh.jobmanager.kubernetes.enabled},
 * the slots the jobs ask for ({@link TaskManagerRegistry#onSlotDemandChanged}) become TaskManager
 * pods through {@link NativeTaskManagerPods}, on its own thread (never under the registry's lock);
 * idle surplus pods are released every 5 s after the TaskManager timeout. The pods are owned by the
 * cluster's {@code <cluster>-jobmanager} Deployment when the JobManager may read it. Does nothing
 * when native mode is off (the default, and standalone mode).
 *
 * <p>With high availability only the leading JobManager creates and releases pods: a standby knows
 * no TaskManagers and would take the leader's for idle. A new leader gives the TaskManagers one
 * TaskManager timeout to register with it before it judges pods idle; a deposed one stops
 * replacing pods (its slot demand drops to zero) and never deletes them.
 */
@Singleton
public class NativeResourceManager {
    private static final Logger LOG = Logger.getLogger(NativeResourceManager.class);

    @Inject
    JobManagerConfig config;

    @Inject
    TaskManagerRegistry registry;

    /** How often idle surplus pods are looked for (tests shorten it). */
    long releaseCheckMillis = 5000;

    @Inject
    JobManagerLeadership leadership;

    /** Whether this JobManager leads now (always without HA; tests that build this class keep the default). */
    BooleanSupplier leading = () -> true;
    /** Executor thread only: since when (System.nanoTime) this JobManager manages pods as leader; -1 while not. */
    private long leadingSinceNanos = -1;

    private KubernetesClient client;
    private ScheduledExecutorService executor;
    private NativeTaskManagerPods pods;

    void onStart(@Observes StartupEvent ev) {
        if (config.kubernetes().enabled()) {
            leading = leadership::leading;
            start(new KubernetesClientBuilder().build());
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        stop();
    }

    /** Starts native mode with this client (the in-cluster one, or a test's); the client is closed by {@link #stop()}. */
    synchronized void start(KubernetesClient kubernetes) {
        JobManagerConfig.NativeKubernetes k = config.kubernetes();
        String ns = k.namespace().orElseThrow(() -> new IllegalStateException(
                "native mode needs flowmesh.jobmanager.kubernetes.namespace (FLOWMESH_JOBMANAGER_KUBERNETES_NAMESPACE)"));
        String clusterId = k.clusterId().orElseThrow(() -> new IllegalStateException(
                "native mode needs flowmesh.jobmanager.kubernetes.cluster-id (FLOWMESH_JOBMANAGER_KUBERNETES_CLUSTER_ID)"));
        String templateFile = k.taskmanagerPodTemplate().orElseThrow(() -> new IllegalStateException(
                "native mode of cluster " + clusterId + " needs flowmesh.jobmanager.kubernetes.taskmanager-pod-template"));
        client = kubernetes;
        Pod template = readTemplate(kubernetes, Path.of(templateFile), clusterId);
        NativeTaskManagerSettings settings = new NativeTaskManagerSettings(ns, clusterId, 1, k.slotsPerTaskmanager(), template,
                owner(kubernetes, ns, clusterId), k.taskmanagerTimeout());
        pods = new NativeTaskManagerPods(kubernetes, settings, registry::isIdle, System::currentTimeMillis);
        pods.start();
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jobmanager-native-pods");
            t.setDaemon(true);
            return t;
        });
        NativeTaskManagerPods p = pods;
        registry.onSlotDemandChanged(slots -> executor.execute(() -> guarded(() -> {
            if (leading.getAsBoolean()) {
                p.requireSlots(slots);
            }
        })));
        executor.execute(() -> guarded(() -> check(p)));
        executor.scheduleWithFixedDelay(() -> guarded(() -> check(p)), releaseCheckMillis, releaseCheckMillis, TimeUnit.MILLISECONDS);
        LOG.infof("native mode: TaskManager pods of cluster %s in namespace %s, %d slots each, template %s", clusterId, ns,
                k.slotsPerTaskmanager(), templateFile);
    }

    /** The pod manager, once started (for tests). */
    synchronized NativeTaskManagerPods pods() {
        return pods;
    }

    synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        if (pods != null) {
            pods.close();
            pods = null;
        }
        if (client != null) {
            client.close();
            client = null;
        }
    }

    static Pod readTemplate(KubernetesClient client, Path file, String clusterId) {
        try {
            return client.getKubernetesSerialization().unmarshal(Files.readString(file), Pod.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cluster " + clusterId + ": cannot read the TaskManager pod template " + file + ": " + e.getMessage(), e);
        }
    }

    /** The {@code <cluster>-jobmanager} Deployment as owner, or null (pods then stay until the operator deletes them). */
    static OwnerReference owner(KubernetesClient client, String ns, String clusterId) {
        String name = clusterId + "-jobmanager";
        try {
            Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
            if (d != null) {
                return new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment").withName(name)
                        .withUid(d.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(false).build();
            }
            LOG.warnf("cluster %s: Deployment %s not found in %s; TaskManager pods get no owner", clusterId, name, ns);
        } catch (KubernetesClientException e) {
            LOG.warnf("cluster %s: cannot read Deployment %s in %s (%s); TaskManager pods get no owner", clusterId, name, ns,
                    e.getMessage());
        }
        return null;
    }

    /** On the executor: follows leadership changes, and as leader releases idle surplus pods. */
    private void check(NativeTaskManagerPods p) {
        if (!leading.getAsBoolean()) {
            if (leadingSinceNanos >= 0) {
                leadingSinceNanos = -1;
                p.requireSlots(0); // deposed: the new leader owns the pods now; stop replacing them
            }
            return;
        }
        if (leadingSinceNanos < 0) {
            leadingSinceNanos = System.nanoTime();
            p.requireSlots(registry.slotDemand());
        }
        if (System.nanoTime() - leadingSinceNanos >= config.kubernetes().taskmanagerTimeout().toNanos()) {
            p.releaseIdleSurplus();
        }
    }

    private static void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("native mode: managing TaskManager pods failed", e);
        }
    }
}
