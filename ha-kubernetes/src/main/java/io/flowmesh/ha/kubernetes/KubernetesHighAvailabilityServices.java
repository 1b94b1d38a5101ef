package io.flowmesh.ha.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.HighAvailabilityServices;
import io.flowmesh.cluster.ha.LeaderElection;
import io.flowmesh.cluster.ha.LeaderRetrieval;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code high-availability.type: kubernetes}: per component one Kubernetes {@code Lease}
 * {@code <cluster id>-<component>-leader} in the namespace, elected by
 * {@link KubernetesLeaderElection}; the leader's address and epoch are read back from the Lease's
 * holder identity and transition count ({@link KubernetesLeaderElection#retrieval}).
 *
 * <p>The Kubernetes client is configured as fabric8 does for a pod: the in-cluster service
 * account, else {@code KUBECONFIG}/{@code ~/.kube/config}; {@code kubernetes.master} (Flink's key,
 * from the service's configuration) overrides the API server's URL. The namespace is
 * {@code kubernetes.namespace} (Flink's key) when set, else the client's — the pod's own namespace
 * in a cluster — else {@code default}. The cluster id is {@code high-availability.cluster-id}, else
 * Flink's {@code kubernetes.cluster-id}. Owns its client: {@link #close} closes it.
 */
public final class KubernetesHighAvailabilityServices implements HighAvailabilityServices {
    /** Flink's key for the API server's URL. */
    public static final String KUBERNETES_MASTER = "kubernetes.master";
    /** What Kubernetes accepts as an object name (a DNS subdomain). */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private final KubernetesClient client;
    private final HighAvailabilityOptions options;

    /** Over {@code client}, with the Leases in {@code options.kubernetesNamespace()}; closing closes the client. */
    public KubernetesHighAvailabilityServices(KubernetesClient client, HighAvailabilityOptions options) {
        this.client = client;
        this.options = options;
        String sample = KubernetesLeaderElection.leaseName(options, "jobmanager");
        if (!NAME.matcher(sample).matches() || sample.length() > 253) {
            throw new IllegalArgumentException(HighAvailabilityOptions.CLUSTER_ID + " '" + options.clusterId()
                    + "' does not make a valid Kubernetes object name (" + sample + "): lower-case letters, digits, '-' and '.'");
        }
    }

    /** With a client auto-configured as for a pod (see the class comment). */
    public static KubernetesHighAvailabilityServices create(HighAvailabilityOptions options, Function<String, Optional<String>> config) {
        return create(Config.autoConfigure(null), options, config);
    }

    /** With a client from {@code base} ({@code kubernetes.master} overriding its URL). */
    static KubernetesHighAvailabilityServices create(Config base, HighAvailabilityOptions options, Function<String, Optional<String>> config) {
        ConfigBuilder builder = new ConfigBuilder(base);
        nonBlank(config, KUBERNETES_MASTER).ifPresent(builder::withMasterUrl);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(builder.build()).build();
        String namespace = nonBlank(config, HighAvailabilityOptions.KUBERNETES_NAMESPACE)
                .or(() -> Optional.ofNullable(client.getNamespace()).filter(s -> !s.isBlank()))
                .orElse("default");
        try {
            return new KubernetesHighAvailabilityServices(client, options.withKubernetesNamespace(namespace));
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static Optional<String> nonBlank(Function<String, Optional<String>> config, String key) {
        return config.apply(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** The namespace of the Leases. */
    public String namespace() {
        return options.kubernetesNamespace();
    }

    @Override
    public LeaderElection leaderElection(String component, String address) {
        return new KubernetesLeaderElection(client, options, component, address);
    }

    @Override
    public LeaderRetrieval leaderRetrieval(String component) {
        return KubernetesLeaderElection.retrieval(client, options, component);
    }

    @Override
    public String describe(String component) {
        return "Lease " + options.kubernetesNamespace() + "/" + KubernetesLeaderElection.leaseName(options, component) + " at "
                + client.getMasterUrl();
    }

    @Override
    public void close() {
        client.close();
    }
}
