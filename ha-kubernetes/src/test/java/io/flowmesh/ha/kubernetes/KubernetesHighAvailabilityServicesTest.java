package io.flowmesh.ha.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.HighAvailabilityServices;
import io.flowmesh.cluster.ha.LeaderElection;
import io.flowmesh.cluster.ha.LeaderInformation;
import io.flowmesh.cluster.ha.LeaderLocator;
import io.flowmesh.cluster.ha.testing.RecordingContender;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code high-availability.type: kubernetes} as the services get it — cluster-core's factory finds
 * this module through the ServiceLoader — against fabric8's Kubernetes mock server (CRUD mode, plain
 * HTTP, reached by its URL as {@code kubernetes.master} like a service process would): Lease names
 * from the cluster id and any role, namespace from {@code kubernetes.namespace} or else the client's
 * (the pod's), the leader's address and epoch read back through {@link LeaderLocator}.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesHighAvailabilityServicesTest {
    KubernetesClient client;

    private Map<String, String> config(String... keyValues) {
        Map<String, String> c = new HashMap<>();
        c.put("high-availability.type", "kubernetes");
        c.put("high-availability.kubernetes.leader-election.lease-duration", "1500 ms");
        c.put("high-availability.kubernetes.leader-election.renew-deadline", "1200 ms");
        c.put("high-availability.kubernetes.leader-election.retry-period", "200 ms");
        c.put(KubernetesHighAvailabilityServices.KUBERNETES_MASTER, client.getMasterUrl().toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            c.put(keyValues[i], keyValues[i + 1]);
        }
        return c;
    }

    private static HighAvailabilityServices services(Map<String, String> config) {
        HighAvailabilityOptions options = HighAvailabilityOptions.from(k -> Optional.ofNullable(config.get(k)));
        return HighAvailabilityServices.create(options, null, "ha/default", k -> Optional.ofNullable(config.get(k)));
    }

    @Test
    void theFactoryElectsAnyRoleOnItsOwnLeaseAndLocatorsFollow() throws Exception {
        Map<String, String> config = config("high-availability.cluster-id", "c1", "kubernetes.namespace", "ha-ns");
        HighAvailabilityOptions options = HighAvailabilityOptions.from(k -> Optional.ofNullable(config.get(k)));
        try (HighAvailabilityServices services = services(config)) {
            assertThat(services).isInstanceOf(KubernetesHighAvailabilityServices.class);
            assertThat(services.describe("dispatcher")).contains("ha-ns/c1-dispatcher-leader");
            LeaderLocator dispatchers = LeaderLocator.create(options, services, "configured:9", "dispatcher");
            assertThat(dispatchers.highAvailability()).isTrue();
            assertThat(dispatchers.leader()).isEmpty();
            assertThat(dispatchers.address()).as("nobody leads: the configured address").isEqualTo("configured:9");

            RecordingContender d = new RecordingContender();
            RecordingContender j = new RecordingContender();
            try (LeaderElection dispatcher = services.leaderElection("dispatcher", "10.0.0.5:8081");
                    LeaderElection jobManager = services.leaderElection(LeaderLocator.JOBMANAGER, "10.0.0.6:8082")) {
                dispatcher.start(d);
                jobManager.start(j);
                assertThat(d.next()).isEqualTo("grant 1");
                assertThat(j.next()).isEqualTo("grant 1");
                assertThat(dispatcher.hasLeadership(1)).isTrue();

                Lease lease = client.leases().inNamespace("ha-ns").withName("c1-dispatcher-leader").get();
                assertThat(lease.getSpec().getHolderIdentity()).startsWith("10.0.0.5:8081#");
                assertThat(lease.getSpec().getLeaseTransitions()).isZero();
                assertThat(client.leases().inNamespace("ha-ns").withName("c1-jobmanager-leader").get().getSpec().getHolderIdentity())
                        .startsWith("10.0.0.6:8082#");
                assertThat(client.leases().inNamespace("ha-ns").list().getItems()).extracting(l -> l.getMetadata().getName())
                        .containsExactlyInAnyOrder("c1-dispatcher-leader", "c1-jobmanager-leader");

                assertThat(dispatchers.leader()).contains(new LeaderInformation(1, "10.0.0.5:8081"));
                assertThat(LeaderLocator.create(options, services, "configured:9", LeaderLocator.JOBMANAGER).leader())
                        .contains(new LeaderInformation(1, "10.0.0.6:8082"));

                dispatcher.close();
                assertThat(d.next()).isEqualTo("revoke");
                assertThat(dispatchers.leader()).as("released").isEmpty();
                assertThat(dispatchers.address()).isEqualTo("configured:9");

                // a new incarnation takes the released Lease: the epoch grows
                RecordingContender d2 = new RecordingContender();
                try (LeaderElection again = services.leaderElection("dispatcher", "10.0.0.7:8081")) {
                    again.start(d2);
                    assertThat(d2.next()).isEqualTo("grant 2");
                    assertThat(dispatchers.leader()).contains(new LeaderInformation(2, "10.0.0.7:8081"));
                }
            }
        }
    }

    @Test
    void namespaceIsThePodsAndClusterIdFlinksKubernetesKeyWhenUnset() throws Exception {
        Map<String, String> config = config("kubernetes.cluster-id", "wordcount");
        HighAvailabilityOptions options = HighAvailabilityOptions.from(k -> Optional.ofNullable(config.get(k)));
        assertThat(options.clusterId()).isEqualTo("wordcount");
        // the client's namespace, as fabric8 reads it in a pod from the service account
        try (KubernetesHighAvailabilityServices services = KubernetesHighAvailabilityServices.create(
                new ConfigBuilder(client.getConfiguration()).withNamespace("pod-ns").build(), options, k -> Optional.ofNullable(config.get(k)))) {
            assertThat(services.namespace()).isEqualTo("pod-ns");
            RecordingContender r = new RecordingContender();
            try (LeaderElection e = services.leaderElection(LeaderLocator.COORDINATOR, "10.0.0.8:8083")) {
                e.start(r);
                assertThat(r.next()).isEqualTo("grant 1");
                assertThat(client.leases().inNamespace("pod-ns").withName("wordcount-coordinator-leader").get().getSpec().getHolderIdentity())
                        .startsWith("10.0.0.8:8083#");
            }
        }
    }

    /** fabric8 refuses a renew deadline equal to the lease duration; Flink's defaults (15 s / 15 s / 5 s) must still elect. */
    @Test
    void flinksDefaultLeaseSettingsElect() throws Exception {
        Map<String, String> config = config("high-availability.cluster-id", "defaults");
        config.remove("high-availability.kubernetes.leader-election.lease-duration");
        config.remove("high-availability.kubernetes.leader-election.renew-deadline");
        config.remove("high-availability.kubernetes.leader-election.retry-period");
        try (HighAvailabilityServices services = services(config)) {
            RecordingContender r = new RecordingContender();
            try (LeaderElection e = services.leaderElection(LeaderLocator.JOBMANAGER, "10.0.0.9:8082")) {
                e.start(r);
                assertThat(r.next()).isEqualTo("grant 1");
                assertThat(e.hasLeadership(1)).isTrue();
            }
        }
    }

    @Test
    void aClusterIdThatIsNoKubernetesNameIsRefused() {
        Map<String, String> config = config("high-availability.cluster-id", "My_Cluster");
        assertThatThrownBy(() -> services(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("high-availability.cluster-id").hasMessageContaining("My_Cluster");
    }
}
