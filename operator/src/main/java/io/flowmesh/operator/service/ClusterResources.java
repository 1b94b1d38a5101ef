package io.flowmesh.operator.service;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.flowmesh.operator.api.FlinkDeployment;
import io.flowmesh.operator.api.FlinkDeploymentSpec;
import io.flowmesh.operator.api.KubernetesDeploymentMode;
import io.flowmesh.operator.api.Resource;
import io.flowmesh.operator.config.OperatorOptions;
import io.flowmesh.operator.validation.FlinkResourceValidator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Kubernetes objects of one Flowmesh cluster, built from a FlinkDeployment's spec (pure: no API
 * calls). Per cluster {@code <name>}: a ConfigMap {@code <name>-flowmesh-config} with the
 * {@code flinkConfiguration} as environment variables (Quarkus reads {@code flowmesh.kafka.bootstrap-servers}
 * from {@code FLOWMESH_KAFKA_BOOTSTRAP_SERVERS}); Deployments {@code <name>-dispatcher},
 * {@code <name>-jobmanager}, {@code <name>-coordinator} (the jobManager spec) and
 * {@code <name>-taskmanager} (the taskManager spec); Services {@code <name>-rest} (the dispatcher,
 * as Flink's REST service), {@code <name>-jobmanager}, {@code <name>-coordinator}. Every pod runs
 * {@code spec.image} with the role's jar ({@code /opt/flowmesh/<role>/quarkus-run.jar}) in the
 * container {@code flink-main-container}, which the user's pod templates can extend. All objects are
 * owned by the FlinkDeployment.
 *
 * <p>In native mode ({@code mode: native}, Flink's default) there is no TaskManager Deployment: the
 * TaskManager pod is rendered into the ConfigMap {@code <name>-taskmanager-pod-template} (key
 * {@value #TASKMANAGER_POD_TEMPLATE_KEY}), mounted into the JobManager, which creates, watches and
 * replaces TaskManager pods from it for its jobs' slots ({@code flowmesh.jobmanager.kubernetes.*}).
 *
 * <p>With high availability every pod also gets Flink's {@code kubernetes.cluster-id} and
 * {@code kubernetes.namespace}, the JobManager and coordinator their pod's address to publish with
 * their Lease, and the coordinator as many replicas as the JobManager.
 */
public final class ClusterResources {
    public static final String MAIN_CONTAINER = "flink-main-container";
    public static final String LABEL_CLUSTER = "flowmesh.io/cluster";
    /** Flink's label for HA ConfigMaps, kept for the same meaning. */
    public static final String LABEL_CONFIGMAP_TYPE = "configmap-type";
    public static final String HA_CONFIGMAP_TYPE = "high-availability";

    /** A Flowmesh service: its Deployment suffix, HTTP/gRPC port and jar path in the image. */
    public enum Role {
        DISPATCHER("dispatcher", 8081),
        JOBMANAGER("jobmanager", 8082),
        COORDINATOR("coordinator", 8083),
        TASKMANAGER("taskmanager", 8091);

        public final String id;
        public final int port;

        Role(String id, int port) {
            this.id = id;
            this.port = port;
        }

        public String jar() {
            String dir = this == COORDINATOR ? "checkpoint-coordinator" : this == DISPATCHER ? "dispatcher" : id + "-svc";
            return "/opt/flowmesh/" + dir + "/quarkus-run.jar";
        }
    }

    public static final int DATA_PORT = 6121;
    public static final String TASKMANAGER_POD_TEMPLATE_KEY = "taskmanager-pod-template.yaml";
    /** Where the JobManager finds the TaskManager pod template in native mode. */
    public static final String POD_TEMPLATE_DIR = "/opt/flowmesh/pod-template";
    private static final String POD_TEMPLATE_VOLUME = "flowmesh-pod-template";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private ClusterResources() {}

    public static String deploymentName(String cluster, Role role) {
        return cluster + "-" + role.id;
    }

    public static String serviceName(String cluster, Role role) {
        return role == Role.DISPATCHER ? cluster + "-rest" : cluster + "-" + role.id;
    }

    public static String configMapName(String cluster) {
        return cluster + "-flowmesh-config";
    }

    /** Native mode: the ConfigMap with the TaskManager pod the JobManager creates. */
    public static String podTemplateConfigMapName(String cluster) {
        return cluster + "-taskmanager-pod-template";
    }

    private static boolean isNative(FlinkDeploymentSpec spec) {
        return FlinkResourceValidator.mode(spec) == KubernetesDeploymentMode.NATIVE;
    }

    public static Map<String, String> labels(String cluster, Role role) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", cluster);
        labels.put("component", role.id);
        labels.put("app.kubernetes.io/name", "flowmesh");
        labels.put("app.kubernetes.io/instance", cluster);
        labels.put("app.kubernetes.io/component", role.id);
        labels.put("app.kubernetes.io/managed-by", "flowmesh-operator");
        labels.put(LABEL_CLUSTER, cluster);
        return labels;
    }

    /** Everything the cluster needs, in creation order. */
    public static List<HasMetadata> build(FlinkDeployment owner, FlinkDeploymentSpec spec) {
        String cluster = owner.getMetadata().getName();
        String ns = owner.getMetadata().getNamespace();
        OwnerReference ref = new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(cluster).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
        List<HasMetadata> out = new ArrayList<>();
        out.add(configMap(cluster, ns, spec, ref));
        int jmReplicas = spec.getJobManager() == null || spec.getJobManager().getReplicas() == null ? 1 : spec.getJobManager().getReplicas();
        Resource jmResource = spec.getJobManager() == null ? null : spec.getJobManager().getResource();
        Pod jmTemplate = PodTemplates.merge(spec.getPodTemplate(), spec.getJobManager() == null ? null : spec.getJobManager().getPodTemplate());
        Pod tmTemplate = PodTemplates.merge(spec.getPodTemplate(), spec.getTaskManager() == null ? null : spec.getTaskManager().getPodTemplate());
        boolean ha = new OperatorOptions(spec.getFlinkConfiguration()).haEnabled();
        for (Role role : new Role[] {Role.JOBMANAGER, Role.COORDINATOR, Role.DISPATCHER}) {
            // with HA the coordinator has as many standbys as the JobManager
            int replicas = role == Role.JOBMANAGER || (role == Role.COORDINATOR && ha) ? jmReplicas : 1;
            out.add(deployment(cluster, ns, spec, role, replicas, jmResource, jmTemplate, ref));
            out.add(service(cluster, ns, role, ref));
        }
        Resource tmResource = spec.getTaskManager() == null ? null : spec.getTaskManager().getResource();
        if (isNative(spec)) {
            Pod tmPod = pod(cluster, spec, Role.TASKMANAGER, tmResource, tmTemplate);
            out.add(1, new ConfigMapBuilder().withNewMetadata().withName(podTemplateConfigMapName(cluster)).withNamespace(ns)
                    .withLabels(labels(cluster, Role.TASKMANAGER)).withOwnerReferences(ref).endMetadata()
                    .addToData(TASKMANAGER_POD_TEMPLATE_KEY, SERIALIZATION.asYaml(tmPod)).build());
        } else {
            out.add(deployment(cluster, ns, spec, Role.TASKMANAGER, taskManagerReplicas(spec), tmResource, tmTemplate, ref));
        }
        return out;
    }

    /**
     * {@code taskManager.replicas} when set, else enough TaskManagers for the job's parallelism at
     * {@code taskmanager.numberOfTaskSlots} each (one for a session cluster).
     */
    public static int taskManagerReplicas(FlinkDeploymentSpec spec) {
        if (spec.getTaskManager() != null && spec.getTaskManager().getReplicas() != null) {
            return spec.getTaskManager().getReplicas();
        }
        if (spec.getJob() == null || spec.getJob().getParallelism() == null) {
            return 1;
        }
        int slots = new OperatorOptions(spec.getFlinkConfiguration()).taskSlots();
        return (spec.getJob().getParallelism() + slots - 1) / slots;
    }

    /** {@code flowmesh.kafka.bootstrap-servers} → {@code FLOWMESH_KAFKA_BOOTSTRAP_SERVERS} (SmallRye Config's rule). */
    public static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static ConfigMap configMap(String cluster, String ns, FlinkDeploymentSpec spec, OwnerReference ref) {
        Map<String, String> data = new TreeMap<>();
        if (spec.getFlinkConfiguration() != null) {
            spec.getFlinkConfiguration().forEach((k, v) -> data.put(envName(k), v));
        }
        return new ConfigMapBuilder().withNewMetadata().withName(configMapName(cluster)).withNamespace(ns)
                .withLabels(labels(cluster, Role.JOBMANAGER)).withOwnerReferences(ref).endMetadata()
                .withData(data).build();
    }

    /** A role's pod: ours merged over the user's template, with our labels winning. */
    private static Pod pod(String cluster, FlinkDeploymentSpec spec, Role role, Resource resource, Pod userTemplate) {
        Map<String, String> labels = labels(cluster, role);
        PodBuilder ours = new PodBuilder()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .withServiceAccountName(spec.getServiceAccount())
                .withContainers(container(cluster, spec, role, resource))
                .endSpec();
        if (role == Role.JOBMANAGER && isNative(spec)) {
            ours.editSpec().addNewVolume().withName(POD_TEMPLATE_VOLUME).withNewConfigMap()
                    .withName(podTemplateConfigMapName(cluster)).endConfigMap().endVolume().endSpec();
        }
        // ours over the user's: image, command and ports are the operator's; the user's env, mounts,
        // sidecars, nodeSelector, tolerations ... stay
        Pod pod = PodTemplates.merge(userTemplate, ours.build());
        Map<String, String> podLabels = new HashMap<>(labels);
        if (pod.getMetadata().getLabels() != null) {
            podLabels.putAll(pod.getMetadata().getLabels());
            podLabels.putAll(labels);
        }
        pod.getMetadata().setLabels(new TreeMap<>(podLabels));
        return pod;
    }

    private static Deployment deployment(String cluster, String ns, FlinkDeploymentSpec spec, Role role, int replicas,
                                         Resource resource, Pod userTemplate, OwnerReference ref) {
        Map<String, String> labels = labels(cluster, role);
        Pod pod = pod(cluster, spec, role, resource, userTemplate);
        PodSpec podSpec = pod.getSpec();
        Map<String, String> podLabels = pod.getMetadata().getLabels();
        return new DeploymentBuilder()
                .withNewMetadata().withName(deploymentName(cluster, role)).withNamespace(ns).withLabels(labels)
                .withOwnerReferences(ref).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", cluster).addToMatchLabels("component", role.id).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(podLabels).withAnnotations(pod.getMetadata().getAnnotations()).endMetadata()
                .withSpec(podSpec)
                .endTemplate().endSpec().build();
    }

    private static Container container(String cluster, FlinkDeploymentSpec spec, Role role, Resource resource) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("QUARKUS_HTTP_PORT", Integer.toString(role.port), null));
        String jm = serviceName(cluster, Role.JOBMANAGER) + ":" + Role.JOBMANAGER.port;
        switch (role) {
            case DISPATCHER -> {
                env.add(new EnvVar("FLOWMESH_DISPATCHER_JOBMANAGER_ADDRESS", jm, null));
                env.add(new EnvVar("FLOWMESH_DISPATCHER_COORDINATOR_ADDRESS",
                        serviceName(cluster, Role.COORDINATOR) + ":" + Role.COORDINATOR.port, null));
            }
            case COORDINATOR -> env.add(new EnvVar("FLOWMESH_COORDINATOR_JOBMANAGER_ADDRESS", jm, null));
            case JOBMANAGER -> {
                if (isNative(spec)) {
                    // the JobManager's TaskManager pods (jobmanager-svc: NativeResourceManager)
                    env.add(new EnvVar("FLOWMESH_JOBMANAGER_KUBERNETES_ENABLED", "true", null));
                    env.add(new EnvVarBuilder().withName("FLOWMESH_JOBMANAGER_KUBERNETES_NAMESPACE")
                            .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build());
                    env.add(new EnvVar("FLOWMESH_JOBMANAGER_KUBERNETES_CLUSTER_ID", cluster, null));
                    env.add(new EnvVar("FLOWMESH_JOBMANAGER_KUBERNETES_TASKMANAGER_POD_TEMPLATE",
                            POD_TEMPLATE_DIR + "/" + TASKMANAGER_POD_TEMPLATE_KEY, null));
                    env.add(new EnvVar("FLOWMESH_JOBMANAGER_KUBERNETES_SLOTS_PER_TASKMANAGER",
                            Integer.toString(new OperatorOptions(spec.getFlinkConfiguration()).taskSlots()), null));
                }
            }
            case TASKMANAGER -> {
                env.add(new EnvVar("FLOWMESH_TASKMANAGER_JOBMANAGER_ADDRESS", jm, null));
                env.add(new EnvVarBuilder().withName("FLOWMESH_TASKMANAGER_HOST")
                        .withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().build());
                env.add(new EnvVarBuilder().withName("FLOWMESH_TASKMANAGER_ID")
                        .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().build());
                env.add(new EnvVar("FLOWMESH_TASKMANAGER_DATA_PORT", Integer.toString(DATA_PORT), null));
            }
            default -> { }
        }
        if (new OperatorOptions(spec.getFlinkConfiguration()).haEnabled()) {
            haEnvironment(cluster, role, env);
        }
        ContainerBuilder c = new ContainerBuilder()
                .withName(MAIN_CONTAINER)
                .withImage(spec.getImage())
                .withImagePullPolicy(spec.getImagePullPolicy())
                .withCommand("java")
                .withArgs("-jar", role.jar())
                .withEnv(env)
                .addNewEnvFrom().withNewConfigMapRef().withName(configMapName(cluster)).endConfigMapRef().endEnvFrom()
                .addNewPort().withName("http").withContainerPort(role.port).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/q/health/ready").withNewPort("http").endHttpGet()
                .withPeriodSeconds(5).endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/q/health/live").withNewPort("http").endHttpGet()
                .withInitialDelaySeconds(30).withPeriodSeconds(10).endLivenessProbe();
        if (role == Role.TASKMANAGER) {
            c.addNewPort().withName("data").withContainerPort(DATA_PORT).endPort();
        }
        if (role == Role.JOBMANAGER && isNative(spec)) {
            c.addNewVolumeMount().withName(POD_TEMPLATE_VOLUME).withMountPath(POD_TEMPLATE_DIR).withReadOnly(true).endVolumeMount();
        }
        if (resource != null) {
            c.withResources(resources(resource));
        }
        return c.build();
    }

    /**
     * With high availability: Flink's {@code kubernetes.cluster-id} (the cluster's name: Leases
     * {@code <name>-<role>-leader} and the HA job store under {@code <storageDir>/<name>/}) and
     * {@code kubernetes.namespace} (the pod's) for every role, as the Flink operator sets them; the
     * JobManager and the coordinator publish their pod's IP with their lease, where the others reach
     * the leader.
     */
    private static void haEnvironment(String cluster, Role role, List<EnvVar> env) {
        env.add(new EnvVar("KUBERNETES_CLUSTER_ID", cluster, null));
        env.add(new EnvVarBuilder().withName("KUBERNETES_NAMESPACE")
                .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build());
        String advertised = switch (role) {
            case JOBMANAGER -> "FLOWMESH_JOBMANAGER_ADVERTISED_ADDRESS";
            case COORDINATOR -> "FLOWMESH_COORDINATOR_ADVERTISED_ADDRESS";
            default -> null;
        };
        if (advertised != null) {
            env.add(new EnvVarBuilder().withName("POD_IP")
                    .withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().build());
            env.add(new EnvVar(advertised, "$(POD_IP):" + role.port, null));
        }
    }

    private static ResourceRequirements resources(Resource resource) {
        Map<String, Quantity> amounts = new LinkedHashMap<>();
        if (resource.getCpu() != null) {
            amounts.put("cpu", new Quantity(Double.toString(resource.getCpu())));
        }
        if (resource.getMemory() != null) {
            amounts.put("memory", new Quantity(FlinkResourceValidator.flinkToKubernetesMemory(resource.getMemory())));
        }
        if (resource.getEphemeralStorage() != null) {
            amounts.put("ephemeral-storage", new Quantity(resource.getEphemeralStorage()));
        }
        return new ResourceRequirementsBuilder().withRequests(amounts).withLimits(amounts).build();
    }

    private static Service service(String cluster, String ns, Role role, OwnerReference ref) {
        return new ServiceBuilder()
                .withNewMetadata().withName(serviceName(cluster, role)).withNamespace(ns).withLabels(labels(cluster, role))
                .withOwnerReferences(ref).endMetadata()
                .withNewSpec().withType("ClusterIP")
                .addToSelector("app", cluster).addToSelector("component", role.id)
                .addNewPort().withName("http").withPort(role.port).withNewTargetPort(role.port).endPort()
                .endSpec().build();
    }
}
