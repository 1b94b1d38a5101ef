package io.flowmesh.operator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flowmesh.operator.api.FlinkDeployment;
import io.flowmesh.operator.api.FlinkVersion;
import io.flowmesh.operator.api.JobManagerSpec;
import io.flowmesh.operator.api.JobSpec;
import io.flowmesh.operator.api.KubernetesDeploymentMode;
import io.flowmesh.operator.api.Resource;
import io.flowmesh.operator.api.TaskManagerSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Kubernetes side of the real cluster service, against the fabric8 mock API server. */
@EnableKubernetesMockClient(crud = true)
class KubernetesClusterServiceTest {
    static final String NS = "flowmesh-jobs";
    static KubernetesClient client;
    KubernetesClusterService service;
    FlinkDeployment dep;

    @BeforeEach
    void setUp() {
        client.apps().deployments().inNamespace(NS).delete();
        client.configMaps().inNamespace(NS).delete();
        client.services().inNamespace(NS).delete();
        client.pods().inNamespace(NS).delete();
        service = new KubernetesClusterService(client, "{name}-rest.{namespace}.svc:8081", Duration.ofSeconds(5), Duration.ofSeconds(5));
        dep = new FlinkDeployment();
        dep.getMetadata().setName("wordcount");
        dep.getMetadata().setNamespace(NS);
        dep.getMetadata().setUid("uid-1");
        dep.setSpec(new io.flowmesh.operator.api.FlinkDeploymentSpec());
        var spec = dep.getSpec();
        spec.setImage("ghcr.io/flowmesh/flowmesh:0.1.0");
        spec.setFlinkVersion(FlinkVersion.v1_20);
        spec.setServiceAccount("flink");
        spec.setMode(KubernetesDeploymentMode.STANDALONE);
        Map<String, String> conf = new HashMap<>();
        conf.put("taskmanager.numberOfTaskSlots", "2");
        conf.put("flowmesh.kafka.bootstrap-servers", "kafka.kafka.svc:9092");
        spec.setFlinkConfiguration(conf);
        spec.setPodTemplate(new PodBuilder().withNewSpec().addToNodeSelector("pool", "streaming")
                .addNewContainer().withName("flink-main-container")
                .addNewEnv().withName("AWS_REGION").withValue("eu-west-1").endEnv().endContainer()
                .addNewContainer().withName("log-shipper").withImage("fluent-bit:3").endContainer()
                .endSpec().build());
        spec.setJobManager(new JobManagerSpec());
        spec.getJobManager().setResource(new Resource());
        spec.getJobManager().getResource().setCpu(1.0);
        spec.getJobManager().getResource().setMemory("2048m");
        spec.setTaskManager(new TaskManagerSpec());
        spec.getTaskManager().setPodTemplate(new PodBuilder().withNewSpec().addToNodeSelector("pool", "tm-pool").endSpec().build());
        JobSpec job = new JobSpec();
        job.setJarURI("s3://flowmesh/jars/wordcount.jar");
        job.setParallelism(5);
        spec.setJob(job);
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    @Test
    void deploysTheServicesOwnedByTheFlinkDeployment() {
        service.deployCluster(dep, dep.getSpec());

        assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("wordcount-dispatcher", "wordcount-jobmanager", "wordcount-coordinator", "wordcount-taskmanager");
        assertThat(client.services().inNamespace(NS).list().getItems()).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("wordcount-rest", "wordcount-jobmanager", "wordcount-coordinator");
        var config = client.configMaps().inNamespace(NS).withName("wordcount-flowmesh-config").get();
        assertThat(config.getData()).containsEntry("FLOWMESH_KAFKA_BOOTSTRAP_SERVERS", "kafka.kafka.svc:9092")
                .containsEntry("TASKMANAGER_NUMBEROFTASKSLOTS", "2");

        Deployment jm = deployment("wordcount-jobmanager");
        assertThat(jm.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("FlinkDeployment");
            assertThat(o.getApiVersion()).isEqualTo("flowmesh.io/v1beta1");
            assertThat(o.getUid()).isEqualTo("uid-1");
            assertThat(o.getController()).isTrue();
        });
        var pod = jm.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("flink");
        assertThat(pod.getNodeSelector()).containsExactly(Map.entry("pool", "streaming"));
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("flink-main-container", "log-shipper");
        Container main = pod.getContainers().get(0);
        assertThat(main.getImage()).isEqualTo("ghcr.io/flowmesh/flowmesh:0.1.0");
        assertThat(main.getCommand()).containsExactly("java");
        assertThat(main.getArgs()).containsExactly("-jar", "/opt/flowmesh/jobmanager-svc/quarkus-run.jar");
        assertThat(main.getEnv()).extracting(EnvVar::getName).contains("AWS_REGION", "QUARKUS_HTTP_PORT");
        assertThat(main.getResources().getLimits()).containsEntry("memory", new Quantity("2048Mi")).containsEntry("cpu", new Quantity("1.0"));
        assertThat(jm.getSpec().getSelector().getMatchLabels()).containsEntry("app", "wordcount").containsEntry("component", "jobmanager");

        Deployment dispatcher = deployment("wordcount-dispatcher");
        Container d = dispatcher.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(d.getEnv()).contains(new EnvVar("FLOWMESH_DISPATCHER_JOBMANAGER_ADDRESS", "wordcount-jobmanager:8082", null),
                new EnvVar("FLOWMESH_DISPATCHER_COORDINATOR_ADDRESS", "wordcount-coordinator:8083", null),
                new EnvVar("QUARKUS_HTTP_PORT", "8081", null));
        assertThat(d.getArgs()).containsExactly("-jar", "/opt/flowmesh/dispatcher/quarkus-run.jar");

        Deployment tm = deployment("wordcount-taskmanager");
        assertThat(tm.getSpec().getReplicas()).isEqualTo(3); // parallelism 5 at 2 slots each
        assertThat(tm.getSpec().getTemplate().getSpec().getNodeSelector()).containsExactly(Map.entry("pool", "tm-pool"));
        assertThat(tm.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).extracting(EnvVar::getName)
                .contains("FLOWMESH_TASKMANAGER_JOBMANAGER_ADDRESS", "FLOWMESH_TASKMANAGER_HOST", "FLOWMESH_TASKMANAGER_ID");

        // deploying again replaces, it does not fail
        dep.getSpec().setImage("ghcr.io/flowmesh/flowmesh:0.2.0");
        service.deployCluster(dep, dep.getSpec());
        assertThat(deployment("wordcount-jobmanager").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("ghcr.io/flowmesh/flowmesh:0.2.0");
    }

    @Test
    void readyWhenDispatcherJobManagerAndCoordinatorAreReady() {
        ClusterId id = ClusterId.of(dep);
        assertThat(service.isJobManagerReady(id)).isFalse();
        service.deployCluster(dep, dep.getSpec());
        assertThat(service.isJobManagerReady(id)).isFalse();
        for (String name : List.of("wordcount-jobmanager", "wordcount-coordinator")) {
            markReady(name);
        }
        assertThat(service.isJobManagerReady(id)).isFalse();
        markReady("wordcount-dispatcher");
        assertThat(service.isJobManagerReady(id)).isTrue();
    }

    private void markReady(String name) {
        Deployment d = deployment(name);
        d.setStatus(new DeploymentStatusBuilder().withReadyReplicas(1).withReplicas(1).build());
        client.resource(d).updateStatus();
    }

    @Test
    void deleteKeepsHaDataUnlessAsked() {
        service.deployCluster(dep, dep.getSpec());
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("wordcount-ha-leader").withNamespace(NS)
                .addToLabels("flowmesh.io/cluster", "wordcount").addToLabels("configmap-type", "high-availability").endMetadata()
                .addToData("checkpoint", "s3://flowmesh/checkpoints/chk-9").build()).create();
        ClusterId id = ClusterId.of(dep);

        service.deleteCluster(id, false);
        assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(client.services().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace(NS).list().getItems()).extracting(c -> c.getMetadata().getName())
                .containsExactly("wordcount-ha-leader");

        service.deleteCluster(id, true);
        assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();
    }

    @Test
    void nativeModeGivesTheJobManagerTheTaskManagerPodInsteadOfADeployment() {
        dep.getSpec().setMode(null); // Flink's default: native
        service.deployCluster(dep, dep.getSpec());

        assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("wordcount-dispatcher", "wordcount-jobmanager", "wordcount-coordinator");
        var cm = client.configMaps().inNamespace(NS).withName("wordcount-taskmanager-pod-template").get();
        assertThat(cm.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));
        io.fabric8.kubernetes.api.model.Pod tmPod = client.getKubernetesSerialization()
                .unmarshal(cm.getData().get("taskmanager-pod-template.yaml"), io.fabric8.kubernetes.api.model.Pod.class);
        assertThat(tmPod.getMetadata().getLabels()).containsEntry("app", "wordcount").containsEntry("component", "taskmanager");
        assertThat(tmPod.getSpec().getServiceAccountName()).isEqualTo("flink");
        assertThat(tmPod.getSpec().getNodeSelector()).containsExactly(Map.entry("pool", "tm-pool"));
        Container tmMain = tmPod.getSpec().getContainers().get(0);
        assertThat(tmMain.getName()).isEqualTo("flink-main-container");
        assertThat(tmMain.getImage()).isEqualTo("ghcr.io/flowmesh/flowmesh:0.1.0");
        assertThat(tmMain.getArgs()).containsExactly("-jar", "/opt/flowmesh/taskmanager-svc/quarkus-run.jar");
        assertThat(tmMain.getEnv()).extracting(EnvVar::getName)
                .contains("FLOWMESH_TASKMANAGER_JOBMANAGER_ADDRESS", "FLOWMESH_TASKMANAGER_ID", "AWS_REGION");

        var jmPod = deployment("wordcount-jobmanager").getSpec().getTemplate().getSpec();
        Container jmMain = jmPod.getContainers().get(0);
        assertThat(jmMain.getEnv()).contains(new EnvVar("FLOWMESH_JOBMANAGER_KUBERNETES_ENABLED", "true", null),
                new EnvVar("FLOWMESH_JOBMANAGER_KUBERNETES_CLUSTER_ID", "wordcount", null),
                new EnvVar("FLOWMESH_JOBMANAGER_KUBERNETES_SLOTS_PER_TASKMANAGER", "2", null),
                new EnvVar("FLOWMESH_JOBMANAGER_KUBERNETES_TASKMANAGER_POD_TEMPLATE",
                        "/opt/flowmesh/pod-template/taskmanager-pod-template.yaml", null));
        assertThat(jmMain.getEnv()).filteredOn(e -> e.getName().equals("FLOWMESH_JOBMANAGER_KUBERNETES_NAMESPACE")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace"));
        assertThat(jmMain.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/opt/flowmesh/pod-template"));
        assertThat(jmPod.getVolumes()).singleElement()
                .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("wordcount-taskmanager-pod-template"));

        // pods the JobManager created go with the cluster
        client.pods().inNamespace(NS).resource(new PodBuilder(tmPod).editMetadata().withName("wordcount-taskmanager-1-1").endMetadata()
                .build()).create();
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("other-taskmanager-1-1")
                .addToLabels("app", "other").addToLabels("component", "taskmanager").endMetadata().build()).create();
        service.deleteCluster(ClusterId.of(dep), true);
        assertThat(client.pods().inNamespace(NS).list().getItems()).extracting(p -> p.getMetadata().getName())
                .containsExactly("other-taskmanager-1-1");
        assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();
    }

    @Test
    void highAvailabilityGivesEveryPodTheClusterIdAndTheLeadersTheirPodAddress() {
        dep.getSpec().getFlinkConfiguration().put("high-availability.type", "kubernetes");
        dep.getSpec().getFlinkConfiguration().put("high-availability.storageDir", "s3://flowmesh-state/ha");
        dep.getSpec().getJobManager().setReplicas(2);
        service.deployCluster(dep, dep.getSpec());

        assertThat(client.configMaps().inNamespace(NS).withName("wordcount-flowmesh-config").get().getData())
                .containsEntry("HIGH_AVAILABILITY_TYPE", "kubernetes").containsEntry("HIGH_AVAILABILITY_STORAGEDIR", "s3://flowmesh-state/ha");
        assertThat(deployment("wordcount-jobmanager").getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment("wordcount-coordinator").getSpec().getReplicas()).as("a standby coordinator too").isEqualTo(2);
        assertThat(deployment("wordcount-dispatcher").getSpec().getReplicas()).isEqualTo(1);
        for (String role : List.of("jobmanager", "coordinator", "dispatcher", "taskmanager")) {
            List<EnvVar> env = deployment("wordcount-" + role).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
            assertThat(env).as(role).contains(new EnvVar("KUBERNETES_CLUSTER_ID", "wordcount", null));
            assertThat(env).as(role).filteredOn(e -> e.getName().equals("KUBERNETES_NAMESPACE")).singleElement()
                    .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace"));
        }
        for (var leader : Map.of("jobmanager", "FLOWMESH_JOBMANAGER_ADVERTISED_ADDRESS=$(POD_IP):8082",
                "coordinator", "FLOWMESH_COORDINATOR_ADVERTISED_ADDRESS=$(POD_IP):8083").entrySet()) {
            List<EnvVar> env = deployment("wordcount-" + leader.getKey()).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
            List<String> names = env.stream().map(EnvVar::getName).toList();
            String[] advertised = leader.getValue().split("=", 2);
            assertThat(env).contains(new EnvVar(advertised[0], advertised[1], null));
            assertThat(env).filteredOn(e -> e.getName().equals("POD_IP")).singleElement()
                    .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP"));
            assertThat(names.indexOf("POD_IP")).as("$(POD_IP) expands only variables defined before it").isLessThan(names.indexOf(advertised[0]));
        }
    }

    @Test
    void withoutHighAvailabilityNoLeaseSettings() {
        service.deployCluster(dep, dep.getSpec());
        assertThat(deployment("wordcount-coordinator").getSpec().getReplicas()).isEqualTo(1);
        for (String role : List.of("jobmanager", "coordinator", "dispatcher", "taskmanager")) {
            assertThat(deployment("wordcount-" + role).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).extracting(EnvVar::getName)
                    .as(role).doesNotContain("KUBERNETES_CLUSTER_ID", "KUBERNETES_NAMESPACE", "POD_IP", "FLOWMESH_JOBMANAGER_ADVERTISED_ADDRESS",
                            "FLOWMESH_COORDINATOR_ADVERTISED_ADDRESS");
        }
    }

    @Test
    void localJarsAreRejectedWithTheUri() {
        service.deployCluster(dep, dep.getSpec());
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(ClusterServiceException.class, () -> service.submitJob(ClusterId.of(dep),
                new JobSubmission("local:///opt/flink/usrlib/job.jar", null, List.of(), 1, Map.of(), null, false)));
        assertThat(e).hasMessageContaining("local:///opt/flink/usrlib/job.jar").hasMessageContaining("flowmesh-jobs/wordcount");
    }
}
