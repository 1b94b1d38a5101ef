package io.flowmesh.jobmanager.resourcemanager.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The TaskManager pods of one cluster in native mode: the JobManager asks Kubernetes for as many
 * pods as its jobs' slots need, watches them, replaces one that is deleted or fails, and deletes
 * idle surplus pods, as Flink's {@code KubernetesResourceManagerDriver} does.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #start()} lists and watches the cluster's TaskManager pods (label
 *       {@code app=<cluster>, component=taskmanager}) and adopts those that exist (pods of an earlier
 *       JobManager attempt keep running their TaskManagers);</li>
 *   <li>{@link #requireSlots(int)}: the jobs need this many slots in all; as many pods are kept as
 *       {@code ceil(slots / slotsPerTaskManager)}; missing ones are created at once;</li>
 *   <li>a pod that is deleted, or whose phase becomes {@code Failed} or {@code Succeeded} (its
 *       TaskManager exited: the pod's restart policy is {@code Never}), is forgotten (a terminated
 *       pod is also deleted) and replaced by a new pod with a new name while fewer pods than needed
 *       remain;</li>
 *   <li>{@link #releaseIdleSurplus()} (called periodically) deletes pods beyond what is needed that
 *       the {@code idle} predicate (by pod name = TaskManager id) says hold no slots, once there has
 *       been a surplus for {@code idleTimeout}; busy pods are never deleted.</li>
 * </ul>
 * The Kubernetes API is reached only through the given client (the seam tests point at the fabric8
 * mock server). All methods are synchronized: the informer's thread and the caller's share the state;
 * API calls are rare (a job start, a lost pod).
 */
public final class NativeTaskManagerPods implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NativeTaskManagerPods.class);
    public static final String COMPONENT = "taskmanager";

    private final KubernetesClient client;
    private final NativeTaskManagerSettings settings;
    private final Predicate<String> idle;
    private final LongSupplier clock;
    private final Pattern namePattern;
    /** Our live pods by name, in creation order. */
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    /** Pods we deleted whose deletion the watch has not reported yet: not adopted again. */
    private final Set<String> deleting = new HashSet<>();
    private int requiredSlots;
    private int nextIndex = 1;
    private long surplusSince = -1;
    private SharedIndexInformer<Pod> informer;

    /**
     * @param idle whether the TaskManager of this pod name holds no slots (an unregistered one counts
     *     as idle)
     * @param clock milliseconds, for the idle timeout
     */
    public NativeTaskManagerPods(KubernetesClient client, NativeTaskManagerSettings settings, Predicate<String> idle,
                                 LongSupplier clock) {
        this.client = client;
        this.settings = settings;
        this.idle = idle;
        this.clock = clock;
        this.namePattern = Pattern.compile(Pattern.quote(settings.clusterId() + "-" + COMPONENT + "-" + settings.attempt() + "-") + "(\\d+)");
    }

    /** The labels every TaskManager pod of the cluster carries (Flink's {@code app} and {@code component}). */
    public Map<String, String> selector() {
        Map<String, String> labels = new TreeMap<>();
        labels.put("app", settings.clusterId());
        labels.put("component", COMPONENT);
        return labels;
    }

    /** Adopts the cluster's existing TaskManager pods and starts watching them. */
    public void start() {
        SharedIndexInformer<Pod> inf = client.pods().inNamespace(settings.namespace()).withLabels(selector())
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        observed(pod);
                    }

                    @Override
                    public void onUpdate(Pod oldPod, Pod pod) {
                        observed(pod);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                        deleted(pod.getMetadata().getName());
                    }
                }, 0);
        synchronized (this) {
            informer = inf;
            // inform() returns after the initial list; adopt it now rather than when the events arrive
            inf.getStore().list().forEach(this::observed);
        }
    }

    /** The jobs now need {@code slots} slots in all; creates the pods that are missing. */
    public synchronized void requireSlots(int slots) {
        if (slots < 0) {
            throw new IllegalArgumentException("slots must be >= 0, was " + slots + " (cluster " + settings.clusterId() + ")");
        }
        requiredSlots = slots;
        LOG.infof("cluster %s: %d slots required -> %d TaskManager pods (%d exist)", settings.clusterId(), slots,
                requiredPods(), pods.size());
        createMissing();
    }

    /** How many pods the required slots need. */
    public synchronized int requiredPods() {
        return (requiredSlots + settings.slotsPerTaskManager() - 1) / settings.slotsPerTaskManager();
    }

    /** The names of the live pods this manager keeps, in creation order. */
    public synchronized List<String> podNames() {
        return List.copyOf(pods.keySet());
    }

    /**
     * Deletes idle pods beyond the required number once the surplus has lasted {@code idleTimeout}
     * (the newest first); returns the names deleted.
     */
    public synchronized List<String> releaseIdleSurplus() {
        int surplus = pods.size() - requiredPods();
        if (surplus <= 0) {
            surplusSince = -1;
            return List.of();
        }
        long now = clock.getAsLong();
        if (surplusSince < 0) {
            surplusSince = now;
        }
        if (now - surplusSince < settings.idleTimeout().toMillis()) {
            return List.of();
        }
        List<String> newestFirst = new ArrayList<>(pods.keySet());
        newestFirst.sort(Comparator.comparingInt(this::index).reversed());
        List<String> deleted = new ArrayList<>();
        for (String name : newestFirst) {
            if (deleted.size() == surplus) {
                break;
            }
            if (idle.test(name)) {
                pods.remove(name);
                deletePod(name, "idle for " + settings.idleTimeout().toSeconds() + " s beyond the " + requiredPods() + " pods needed");
                deleted.add(name);
            }
        }
        if (pods.size() <= requiredPods()) {
            surplusSince = -1;
        }
        return deleted;
    }

    /** Stops watching (outside the lock: the informer's thread may be waiting for it). The pods stay. */
    @Override
    public void close() {
        SharedIndexInformer<Pod> inf;
        synchronized (this) {
            inf = informer;
            informer = null;
        }
        if (inf != null) {
            inf.close();
        }
    }

    private synchronized void observed(Pod pod) {
        String name = pod.getMetadata().getName();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
            if (pods.remove(name) != null) {
                LOG.warnf("cluster %s: TaskManager pod %s terminated (phase %s); replacing it", settings.clusterId(), name, phase);
                deletePod(name, "terminated (phase " + phase + ")");
                createMissing();
            }
            return;
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            deleted(name);
            return;
        }
        if (!pods.containsKey(name) && !deleting.contains(name)) {
            // a pod of an earlier attempt of this JobManager, or one we created seen before the create returned
            pods.put(name, pod);
            int i = index(name);
            if (i >= nextIndex) {
                nextIndex = i + 1;
            }
        }
    }

    private synchronized void deleted(String name) {
        deleting.remove(name);
        if (pods.remove(name) != null) {
            LOG.warnf("cluster %s: TaskManager pod %s was deleted; %d of %d pods remain", settings.clusterId(), name,
                    pods.size(), requiredPods());
            createMissing();
        }
    }

    private void createMissing() {
        while (pods.size() < requiredPods()) {
            Pod pod = newPod(settings.clusterId() + "-" + COMPONENT + "-" + settings.attempt() + "-" + nextIndex++);
            try {
                Pod created = client.pods().inNamespace(settings.namespace()).resource(pod).create();
                pods.put(created.getMetadata().getName(), created);
                LOG.infof("cluster %s: created TaskManager pod %s", settings.clusterId(), created.getMetadata().getName());
            } catch (KubernetesClientException e) {
                // stays short; the next requireSlots, deletion or resync event tries again
                LOG.errorf(e, "cluster %s: creating TaskManager pod %s in namespace %s failed", settings.clusterId(),
                        pod.getMetadata().getName(), settings.namespace());
                return;
            }
        }
    }

    private Pod newPod(String name) {
        PodBuilder b = new PodBuilder(settings.template())
                .editOrNewMetadata()
                .withName(name).withNamespace(settings.namespace())
                .withGenerateName(null).withResourceVersion(null).withUid(null)
                .addToLabels(selector())
                .addToLabels("flowmesh.io/cluster", settings.clusterId())
                .addToLabels("app.kubernetes.io/component", COMPONENT)
                .endMetadata()
                .editOrNewSpec().withRestartPolicy("Never").endSpec()
                .withStatus(null);
        if (settings.owner() != null) {
            b.editMetadata().withOwnerReferences(settings.owner()).endMetadata();
        }
        return b.build();
    }

    private void deletePod(String name, String why) {
        deleting.add(name);
        try {
            client.pods().inNamespace(settings.namespace()).withName(name).delete();
            LOG.infof("cluster %s: deleted TaskManager pod %s (%s)", settings.clusterId(), name, why);
        } catch (KubernetesClientException e) {
            LOG.errorf(e, "cluster %s: deleting TaskManager pod %s in namespace %s failed", settings.clusterId(), name,
                    settings.namespace());
        }
    }

    /** The pod's number in its name, or 0 for a name not ours. */
    private int index(String name) {
        Matcher m = namePattern.matcher(name);
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }
}
