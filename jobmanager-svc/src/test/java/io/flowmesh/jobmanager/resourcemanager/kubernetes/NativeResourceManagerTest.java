package io.flowmesh.jobmanager.resourcemanager.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.flowmesh.jobmanager.JobManagerConfig;
import io.flowmesh.jobmanager.resourcemanager.TaskManagerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native mode wired: the registry's slot demand becomes TaskManager pods (fabric8 mock server),
 * owned by the JobManager's Deployment; a deleted pod is replaced; released slots lose their idle
 * pods.
 */
@EnableKubernetesMockClient(crud = true)
class NativeResourceManagerTest {
    static final String NS = "flowmesh-jobs";
    static KubernetesClient client;
    static KubernetesMockServer server;

    @TempDir
    Path dir;
    NativeResourceManager manager;

    @AfterEach
    void tearDown() {
        if (manager != null) {
            manager.stop();
        }
    }

    @Test
    void slotDemandBecomesPodsThatAreReplacedAndReleased() throws Exception {
        String jmUid = client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("wordcount-jobmanager").withUid("jm-uid-42").endMetadata()
                .withNewSpec().endSpec().build()).create().getMetadata().getUid();
        Path template = dir.resolve("taskmanager-pod-template.yaml");
        Files.writeString(template, client.getKubernetesSerialization().asYaml(new PodBuilder()
                .withNewSpec().addNewContainer().withName("flink-main-container").withImage("ghcr.io/flowmesh/flowmesh:0.1.0")
                .endContainer().endSpec().build()));

        TaskManagerRegistry registry = new TaskManagerRegistry();
        manager = new NativeResourceManager();
        manager.registry = registry;
        manager.config = config(template.toString(), 2, Duration.ZERO);
        manager.releaseCheckMillis = 200;
        manager.start(server.createClient());

        assertThat(registry.allocate("job-1", 3)).isEmpty(); // 3 slots at 2 per TaskManager: 2 pods
        awaitEquals(List.of("wordcount-taskmanager-1-1", "wordcount-taskmanager-1-2"), this::pods);
        assertThat(client.pods().inNamespace(NS).withName("wordcount-taskmanager-1-1").get().getMetadata().getOwnerReferences())
                .singleElement().satisfies(o -> {
                    assertThat(o.getKind()).isEqualTo("Deployment");
                    assertThat(o.getName()).isEqualTo("wordcount-jobmanager");
                    assertThat(o.getUid()).isEqualTo(jmUid);
                });

        // the TaskManagers in the pods register (their id is the pod's name) and the job gets its slots
        registry.register("wordcount-taskmanager-1-1", "10.0.0.1:8091", "10.0.0.1:6121", 2);
        registry.register("wordcount-taskmanager-1-2", "10.0.0.2:8091", "10.0.0.2:6121", 2);
        assertThat(registry.allocate("job-1", 3)).isPresent();

        client.pods().inNamespace(NS).withName("wordcount-taskmanager-1-2").delete();
        awaitEquals(List.of("wordcount-taskmanager-1-1", "wordcount-taskmanager-1-3"), this::pods);

        // the job ends: its pods are idle and, with a zero TaskManager timeout, released at the next check
        registry.release("job-1");
        awaitEquals(List.of(), this::pods);
    }

    /**
     * With high availability only the leader manages pods: a standby neither creates pods for a
     * demand nor releases the leader's pods (unknown to it, so idle); once leading it does both; a
     * deposed leader stops replacing pods.
     */
    @Test
    void onlyTheLeadingJobManagerCreatesReleasesAndReplacesPods() throws Exception {
        client.pods().inNamespace(NS).delete();
        awaitEquals(List.of(), this::pods);
        Path template = dir.resolve("taskmanager-pod-template.yaml");
        Files.writeString(template, client.getKubernetesSerialization().asYaml(new PodBuilder()
                .withNewSpec().addNewContainer().withName("flink-main-container").withImage("ghcr.io/flowmesh/flowmesh:0.1.0")
                .endContainer().endSpec().build()));
        // a pod the leader created: its TaskManager is registered with the leader, unknown here
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("wordcount-taskmanager-1-1")
                .addToLabels("app", "wordcount").addToLabels("component", "taskmanager").endMetadata()
                .withNewSpec().addNewContainer().withName("flink-main-container").withImage("ghcr.io/flowmesh/flowmesh:0.1.0")
                .endContainer().endSpec().build()).create();

        AtomicBoolean leading = new AtomicBoolean(false);
        TaskManagerRegistry registry = new TaskManagerRegistry();
        manager = new NativeResourceManager();
        manager.registry = registry;
        manager.config = config(template.toString(), 2, Duration.ZERO);
        manager.releaseCheckMillis = 100;
        manager.leading = leading::get;
        manager.start(server.createClient());
        assertThat(registry.allocate("job-1", 4)).isEmpty(); // 4 slots at 2 per TaskManager: 2 pods, if it led

        Thread.sleep(1000); // ten checks as a standby: with a zero timeout a leader would have released 1-1 and created 1-2
        assertThat(pods()).containsExactly("wordcount-taskmanager-1-1");

        leading.set(true);
        awaitEquals(List.of("wordcount-taskmanager-1-1", "wordcount-taskmanager-1-2"), this::pods);

        leading.set(false);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (manager.pods().requiredPods() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(manager.pods().requiredPods()).as("a deposed leader needs no pods").isZero();
        client.pods().inNamespace(NS).withName("wordcount-taskmanager-1-2").delete();
        awaitEquals(List.of("wordcount-taskmanager-1-1"), () -> manager.pods().podNames());
        assertThat(pods()).as("not replaced, and the idle 1-1 not released").containsExactly("wordcount-taskmanager-1-1");
    }

    @Test
    void offByDefault() {
        TaskManagerRegistry registry = new TaskManagerRegistry();
        manager = new NativeResourceManager();
        manager.registry = registry;
        manager.config = config(null, 1, Duration.ZERO);
        manager.config = new DelegatingConfig(manager.config, false);
        manager.onStart(null);
        assertThat(manager.pods()).isNull();
    }

    private List<String> pods() {
        return client.pods().inNamespace(NS).list().getItems().stream().map(p -> p.getMetadata().getName()).sorted().toList();
    }

    private static void awaitEquals(List<String> expected, Supplier<List<String>> actual) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> last = actual.get();
        while (!last.equals(expected) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = actual.get();
        }
        assertThat(last).isEqualTo(expected);
    }

    static JobManagerConfig config(String template, int slots, Duration timeout) {
        return new DelegatingConfig(null, true) {
            @Override
            public NativeKubernetes kubernetes() {
                return new NativeKubernetes() {
                    public boolean enabled() { return true; }
                    public Optional<String> namespace() { return Optional.of(NS); }
                    public Optional<String> clusterId() { return Optional.of("wordcount"); }
                    public Optional<String> taskmanagerPodTemplate() { return Optional.ofNullable(template); }
                    public int slotsPerTaskmanager() { return slots; }
                    public Duration taskmanagerTimeout() { return timeout; }
                };
            }
        };
    }

    /** A JobManagerConfig whose native mode is switched on or off. */
    static class DelegatingConfig implements JobManagerConfig {
        final JobManagerConfig inner;
        final boolean enabled;

        DelegatingConfig(JobManagerConfig inner, boolean enabled) {
            this.inner = inner;
            this.enabled = enabled;
        }

        public Duration heartbeatInterval() { return Duration.ofSeconds(1); }
        public Duration heartbeatTimeout() { return Duration.ofSeconds(5); }
        public Duration slotRequestTimeout() { return Duration.ofSeconds(60); }
        public Duration stateLookupTimeout() { return Duration.ofSeconds(30); }
        public Optional<String> advertisedAddress() { return inner.advertisedAddress(); }

        public NativeKubernetes kubernetes() {
            NativeKubernetes k = inner.kubernetes();
            return new NativeKubernetes() {
                public boolean enabled() { return enabled; }
                public Optional<String> namespace() { return k.namespace(); }
                public Optional<String> clusterId() { return k.clusterId(); }
                public Optional<String> taskmanagerPodTemplate() { return k.taskmanagerPodTemplate(); }
                public int slotsPerTaskmanager() { return k.slotsPerTaskmanager(); }
                public Duration taskmanagerTimeout() { return k.taskmanagerTimeout(); }
            };
        }
    }
}
