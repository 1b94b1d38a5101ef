package io.flowmesh.jobmanager.resourcemanager.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Native mode's TaskManager pods against the fabric8 Kubernetes mock server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class NativeTaskManagerPodsTest {
    static final String NS = "flowmesh-jobs";
    static final String IMAGE = "ghcr.io/flowmesh/flowmesh:0.1.0";
    static KubernetesClient client;

    final Set<String> busy = new HashSet<>();
    final AtomicLong now = new AtomicLong(1_000_000);
    NativeTaskManagerPods manager;

    static final OwnerReference OWNER = new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
            .withName("wordcount-jobmanager").withUid("jm-uid").withController(true).build();

    /** The pod the operator renders for TaskManagers: image, command, env, a nodeSelector from the user's template. */
    static Pod template() {
        return new PodBuilder().withNewMetadata().addToLabels("team", "streaming").endMetadata()
                .withNewSpec().withServiceAccountName("flink").addToNodeSelector("pool", "streaming")
                .addNewContainer().withName("flink-main-container").withImage(IMAGE)
                .withCommand("java").withArgs("-jar", "/opt/flowmesh/taskmanager-svc/quarkus-run.jar")
                .addNewEnv().withName("FLOWMESH_TASKMANAGER_JOBMANAGER_ADDRESS").withValue("wordcount-jobmanager:8082").endEnv()
                .endContainer().endSpec().build();
    }

    @BeforeEach
    void setUp() {
        client.pods().inNamespace(NS).delete();
        manager = new NativeTaskManagerPods(client,
                new NativeTaskManagerSettings(NS, "wordcount", 1, 2, template(), OWNER, Duration.ofSeconds(30)),
                name -> !busy.contains(name), now::get);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void createsAsManyPodsAsTheJobsSlotsNeed() {
        manager.start();
        manager.requireSlots(5); // 2 slots per TaskManager: ceil(5 / 2) = 3 pods

        List<String> expected = List.of("wordcount-taskmanager-1-1", "wordcount-taskmanager-1-2", "wordcount-taskmanager-1-3");
        assertThat(podsInApi()).containsExactlyElementsOf(expected);
        assertThat(manager.podNames()).containsExactlyElementsOf(expected);

        Pod pod = client.pods().inNamespace(NS).withName("wordcount-taskmanager-1-2").get();
        assertThat(pod.getMetadata().getLabels()).containsEntry("app", "wordcount").containsEntry("component", "taskmanager")
                .containsEntry("flowmesh.io/cluster", "wordcount").containsEntry("team", "streaming");
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo("jm-uid"));
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getNodeSelector()).containsEntry("pool", "streaming");
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("flink");
        assertThat(pod.getSpec().getContainers()).singleElement().satisfies(c -> {
            assertThat(c.getImage()).isEqualTo(IMAGE);
            assertThat(c.getArgs()).containsExactly("-jar", "/opt/flowmesh/taskmanager-svc/quarkus-run.jar");
        });

        manager.requireSlots(6); // still 3 pods
        assertThat(podsInApi()).hasSize(3);
        manager.requireSlots(7); // 4 pods: one more, numbered on
        assertThat(podsInApi()).containsExactly("wordcount-taskmanager-1-1", "wordcount-taskmanager-1-2",
                "wordcount-taskmanager-1-3", "wordcount-taskmanager-1-4");
    }

    @Test
    void replacesADeletedPod() {
        manager.start();
        manager.requireSlots(4);
        assertThat(podsInApi()).containsExactly("wordcount-taskmanager-1-1", "wordcount-taskmanager-1-2");

        client.pods().inNamespace(NS).withName("wordcount-taskmanager-1-1").delete();

        List<String> expected = List.of("wordcount-taskmanager-1-2", "wordcount-taskmanager-1-3");
        awaitEquals(expected, this::podsInApi);
        awaitEquals(expected, manager::podNames);
    }

    @Test
    void replacesAPodWhoseTaskManagerFailed() {
        manager.start();
        manager.requireSlots(4);
        Pod pod = client.pods().inNamespace(NS).withName("wordcount-taskmanager-1-2").get();
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Failed").build());
        client.pods().inNamespace(NS).resource(pod).updateStatus();

        // the failed pod is deleted and a new one takes its place
        awaitEquals(List.of("wordcount-taskmanager-1-1", "wordcount-taskmanager-1-3"), this::podsInApi);
        awaitEquals(List.of("wordcount-taskmanager-1-1", "wordcount-taskmanager-1-3"), manager::podNames);
    }

    @Test
    void adoptsThePodsOfAnEarlierJobManagerAndNumbersOn() {
        for (String name : List.of("wordcount-taskmanager-1-4", "wordcount-taskmanager-1-7")) {
            client.pods().inNamespace(NS).resource(new PodBuilder(template()).editMetadata().withName(name)
                    .addToLabels("app", "wordcount").addToLabels("component", "taskmanager").endMetadata().build()).create();
        }
        // another cluster's TaskManager is not ours
        client.pods().inNamespace(NS).resource(new PodBuilder(template()).editMetadata().withName("other-taskmanager-1-1")
                .addToLabels("app", "other").addToLabels("component", "taskmanager").endMetadata().build()).create();

        manager.start();
        assertThat(manager.podNames()).containsExactlyInAnyOrder("wordcount-taskmanager-1-4", "wordcount-taskmanager-1-7");

        manager.requireSlots(6); // 3 pods: one new, after the highest number
        assertThat(podsInApi()).containsExactly("wordcount-taskmanager-1-4", "wordcount-taskmanager-1-7", "wordcount-taskmanager-1-8");
    }

    @Test
    void deletesIdleSurplusPodsOnlyAfterTheIdleTimeout() {
        manager.start();
        manager.requireSlots(8); // 4 pods
        busy.add("wordcount-taskmanager-1-1");
        busy.add("wordcount-taskmanager-1-3");

        manager.requireSlots(1); // 1 pod needed: 3 surplus, of which 2 are idle
        assertThat(manager.releaseIdleSurplus()).isEmpty(); // the surplus starts now
        now.addAndGet(29_999);
        assertThat(manager.releaseIdleSurplus()).isEmpty();
        assertThat(podsInApi()).hasSize(4);

        now.addAndGet(1);
        assertThat(manager.releaseIdleSurplus()).containsExactly("wordcount-taskmanager-1-4", "wordcount-taskmanager-1-2");
        assertThat(podsInApi()).containsExactly("wordcount-taskmanager-1-1", "wordcount-taskmanager-1-3");

        // the busy surplus pod goes once its TaskManager is idle
        busy.remove("wordcount-taskmanager-1-1");
        assertThat(manager.releaseIdleSurplus()).containsExactly("wordcount-taskmanager-1-1");
        assertThat(podsInApi()).containsExactly("wordcount-taskmanager-1-3");
        assertThat(manager.podNames()).containsExactly("wordcount-taskmanager-1-3");
    }

    @Test
    void aNewDemandBeforeTheTimeoutKeepsThePods() {
        manager.start();
        manager.requireSlots(4); // 2 pods
        manager.requireSlots(0); // a job restarting releases its slots ...
        assertThat(manager.releaseIdleSurplus()).isEmpty();
        now.addAndGet(10_000);
        manager.requireSlots(4); // ... and asks for them again within the timeout
        now.addAndGet(30_000);
        assertThat(manager.releaseIdleSurplus()).isEmpty();
        assertThat(podsInApi()).containsExactly("wordcount-taskmanager-1-1", "wordcount-taskmanager-1-2");
    }

    @Test
    void aPodDeletedAsSurplusIsNotReplaced() {
        manager.start();
        manager.requireSlots(4);
        manager.requireSlots(2);
        manager.releaseIdleSurplus();
        now.addAndGet(30_000);
        assertThat(manager.releaseIdleSurplus()).containsExactly("wordcount-taskmanager-1-2");
        // a later deletion is replaced by pod 3; had the surplus deletion been replaced, 3 would be
        // taken and the replacement would be 4 with two pods in the API
        client.pods().inNamespace(NS).withName("wordcount-taskmanager-1-1").delete();
        awaitEquals(List.of("wordcount-taskmanager-1-3"), this::podsInApi);
        assertThat(manager.podNames()).containsExactly("wordcount-taskmanager-1-3");
    }

    private List<String> podsInApi() {
        return client.pods().inNamespace(NS).withLabel("app", "wordcount").list().getItems().stream()
                .map(p -> p.getMetadata().getName()).sorted().toList();
    }

    /** Waits (up to 10 s) until the supplier returns the expected list; fails with the last value. */
    private static void awaitEquals(List<String> expected, Supplier<List<String>> actual) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> last = actual.get();
        while (!last.equals(expected) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = actual.get();
        }
        assertThat(last).isEqualTo(expected);
    }
}
