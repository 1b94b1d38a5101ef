package io.flowmesh.operator.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.flowmesh.operator.api.FlinkDeployment;
import io.flowmesh.operator.api.FlinkSessionJob;
import io.flowmesh.operator.validation.FlinkResourceValidator;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every YAML document under {@code k8s/} (except {@code k8s/monitoring/}, which is not ours): a
 * Kubernetes object of a kind the fabric8 model knows, without fields the model does not know; our
 * custom resources also valid against the checked-in CRD schemas and the operator's validator. A
 * broken manifest fails the build.
 */
class ManifestsTest {
    static final Path K8S = Path.of("..", "k8s");
    static final Set<String> OUR_GROUPS = Set.of("flowmesh.io");
    static Map<String, JSONSchemaProps> schemas = new HashMap<>();
    static List<Document> documents = new ArrayList<>();

    record Document(Path file, int index, JsonNode node) {
        String where() {
            return K8S.relativize(file) + " document " + (index + 1);
        }
    }

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> crds = Files.list(K8S.resolve("crds"))) {
            for (Path crdFile : crds.toList()) {
                CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(crdFile), CustomResourceDefinition.class);
                for (var version : crd.getSpec().getVersions()) {
                    schemas.put(crd.getSpec().getGroup() + "/" + version.getName() + "/" + crd.getSpec().getNames().getKind(),
                            version.getSchema().getOpenAPIV3Schema());
                }
            }
        }
        try (Stream<Path> files = Files.walk(K8S)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !K8S.relativize(p).startsWith("monitoring")).sorted().toList()) {
                try (MappingIterator<JsonNode> it = Serialization.yamlMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
                    int i = 0;
                    while (it.hasNext()) {
                        JsonNode node = it.next();
                        if (node != null && !node.isNull() && !node.isEmpty()) {
                            documents.add(new Document(file, i, node));
                        }
                        i++;
                    }
                }
            }
        }
    }

    @Test
    void findsTheManifests() {
        assertThat(schemas).containsOnlyKeys("flowmesh.io/v1beta1/FlinkDeployment", "flowmesh.io/v1beta1/FlinkSessionJob");
        assertThat(documents).extracting(d -> d.node().path("kind").asText()).contains(
                "CustomResourceDefinition", "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                "Deployment", "NetworkPolicy", "FlinkDeployment", "FlinkSessionJob");
    }

    @Test
    void everyDocumentIsAKubernetesObjectWithOnlyKnownFields() {
        List<String> problems = new ArrayList<>();
        for (Document d : documents) {
            String apiVersion = d.node().path("apiVersion").asText("");
            String kind = d.node().path("kind").asText("");
            if (apiVersion.isEmpty() || kind.isEmpty() || d.node().path("metadata").path("name").asText("").isEmpty()) {
                problems.add(d.where() + ": apiVersion, kind and metadata.name are required");
                continue;
            }
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            if (OUR_GROUPS.contains(group)) {
                JSONSchemaProps schema = schemas.get(apiVersion + "/" + kind);
                if (schema == null) {
                    problems.add(d.where() + ": no CRD under k8s/crds for " + apiVersion + " " + kind);
                } else {
                    CrdSchemaValidator.validate(d.node(), schema).forEach(p -> problems.add(d.where() + " (" + kind + "): " + p));
                }
                continue;
            }
            KubernetesResource typed = Serialization.unmarshal(Serialization.asJson(d.node()));
            if (typed instanceof GenericKubernetesResource) {
                problems.add(d.where() + ": " + apiVersion + " " + kind + " is not a kind the Kubernetes model knows");
                continue;
            }
            unknownFields(typed, kind, new IdentityHashMap<>()).forEach(p -> problems.add(d.where() + " (" + kind + "): unknown field " + p));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void examplesPassTheOperatorsValidation() {
        FlinkResourceValidator validator = new FlinkResourceValidator();
        Map<String, FlinkDeployment> deployments = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Document d : documents) {
            if (d.node().path("kind").asText().equals("FlinkDeployment")) {
                FlinkDeployment dep = Serialization.unmarshal(Serialization.asJson(d.node()), FlinkDeployment.class);
                deployments.put(dep.getMetadata().getName(), dep);
                validator.validateDeployment(dep.getMetadata().getName(), dep.getSpec(), null)
                        .ifPresent(p -> problems.add(d.where() + ": " + p));
            }
        }
        int sessionJobs = 0;
        for (Document d : documents) {
            if (d.node().path("kind").asText().equals("FlinkSessionJob")) {
                sessionJobs++;
                FlinkSessionJob sj = Serialization.unmarshal(Serialization.asJson(d.node()), FlinkSessionJob.class);
                FlinkDeployment session = deployments.get(sj.getSpec().getDeploymentName());
                validator.validateSessionJob(sj.getSpec(), session == null ? null : session.getSpec(), null)
                        .ifPresent(p -> problems.add(d.where() + ": " + p));
            }
        }
        assertThat(deployments).containsKeys("session-cluster", "wordcount");
        assertThat(sessionJobs).isEqualTo(1);
        assertThat(problems).isEmpty();
    }

    /**
     * {@code high-availability.type: kubernetes} runs leader election on Leases with the pods'
     * ServiceAccount: the example application uses it, and the Role bound to {@code flink} in the
     * example's namespace grants get, create and update on {@code coordination.k8s.io} leases.
     */
    @Test
    void theJobServiceAccountMayElectLeadersOnLeases() {
        JsonNode app = documents.stream().filter(d -> d.node().path("kind").asText().equals("FlinkDeployment")
                && d.node().path("metadata").path("name").asText().equals("wordcount")).findFirst().orElseThrow().node();
        assertThat(app.path("spec").path("flinkConfiguration").path("high-availability.type").asText()).isEqualTo("kubernetes");
        String ns = app.path("metadata").path("namespace").asText();
        String account = app.path("spec").path("serviceAccount").asText();
        assertThat(account).isEqualTo("flink");

        JsonNode binding = documents.stream().map(Document::node).filter(n -> n.path("kind").asText().equals("RoleBinding")
                && n.path("metadata").path("namespace").asText().equals(ns)
                && stream(n.path("subjects")).anyMatch(s -> s.path("kind").asText().equals("ServiceAccount") && s.path("name").asText().equals(account)))
                .findFirst().orElseThrow(() -> new AssertionError("no RoleBinding of ServiceAccount " + account + " in " + ns));
        JsonNode role = documents.stream().map(Document::node).filter(n -> n.path("kind").asText().equals("Role")
                && n.path("metadata").path("namespace").asText().equals(ns)
                && n.path("metadata").path("name").asText().equals(binding.path("roleRef").path("name").asText()))
                .findFirst().orElseThrow();
        Set<String> verbs = new java.util.TreeSet<>();
        for (JsonNode rule : role.path("rules")) {
            if (texts(rule.path("apiGroups")).contains("coordination.k8s.io") && texts(rule.path("resources")).contains("leases")) {
                verbs.addAll(texts(rule.path("verbs")));
            }
        }
        assertThat(verbs).contains("get", "create", "update");
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out.stream();
    }

    private static List<String> texts(JsonNode array) {
        return stream(array).map(JsonNode::asText).toList();
    }

    @Test
    void theSchemaCheckCatchesBrokenManifests() throws IOException {
        JSONSchemaProps schema = schemas.get("flowmesh.io/v1beta1/FlinkDeployment");
        JsonNode broken = Serialization.yamlMapper().readTree("""
                apiVersion: flowmesh.io/v1beta1
                kind: FlinkDeployment
                metadata: {name: x}
                spec:
                  image: img
                  imagee: typo
                  flinkConfiguration: {parallelism.default: 2}
                  podTemplate: {spec: {nodeSelector: {pool: a}, nodeSelectorr: {}}}
                  job: {upgradeMode: last_state, parallelism: "4"}
                """);
        assertThat(CrdSchemaValidator.validate(broken, schema)).containsExactlyInAnyOrder(
                ".spec.imagee: unknown field",
                ".spec.flinkConfiguration.parallelism.default: expected a string, got NUMBER (quote it)",
                ".spec.podTemplate.spec.nodeSelectorr: unknown field",
                ".spec.job.upgradeMode: 'last_state' is not one of [last-state, savepoint, stateless]",
                ".spec.job.parallelism: expected an integer, got STRING");
        KubernetesResource typed = Serialization.unmarshal("""
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
                 "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "c", "imagee": "x"}]}}}}""");
        assertThat(unknownFields(typed, "Deployment", new IdentityHashMap<>())).containsExactly("Deployment.spec.template.spec.containers[0].imagee");
    }

    /** Paths of fields the fabric8 model kept in additionalProperties (it did not know them). */
    static List<String> unknownFields(Object o, String path, IdentityHashMap<Object, Boolean> seen) {
        List<String> out = new ArrayList<>();
        if (o == null || seen.put(o, true) != null) {
            return out;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                out.addAll(unknownFields(item, path + "[" + i++ + "]", seen));
            }
            return out;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.addAll(unknownFields(v, path + "." + k, seen)));
            return out;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return out;
        }
        for (Method method : o.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = method.getName();
            try {
                if (name.equals("getAdditionalProperties") && Map.class.isAssignableFrom(method.getReturnType())) {
                    Map<?, ?> extra = (Map<?, ?>) method.invoke(o);
                    if (extra != null) {
                        extra.keySet().forEach(k -> out.add(path + "." + k));
                    }
                } else if (name.startsWith("get") && !name.equals("getClass")) {
                    String field = Character.toLowerCase(name.charAt(3)) + name.substring(4);
                    out.addAll(unknownFields(method.invoke(o), path + "." + field, seen));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
