package io.flowmesh.ha.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.LeaderInformation;
import io.flowmesh.cluster.ha.LeaderRetrieval;
import io.flowmesh.cluster.ha.testing.RecordingContender;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes Lease election against fabric8's Kubernetes mock server (CRUD mode, the one
 * accepted stand-in): election, renewal, hand-over on release, and loss when another holder
 * takes the Lease over.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesLeaderElectionTest {
    private static final HighAvailabilityOptions FAST = new HighAvailabilityOptions(HighAvailabilityOptions.Type.KUBERNETES, Optional.empty(),
            "it", Duration.ofMillis(1500), Duration.ofMillis(1200), Duration.ofMillis(200), "flowmesh");

    KubernetesClient client;

    @Test
    void electsRenewsAndHandsOverOnRelease() throws Exception {
        LeaderRetrieval retrieval = KubernetesLeaderElection.retrieval(client, FAST, "jobmanager");
        assertThat(retrieval.currentLeader()).isEmpty();
        RecordingContender a = new RecordingContender();
        RecordingContender b = new RecordingContender();
        KubernetesLeaderElection first = new KubernetesLeaderElection(client, FAST, "jobmanager", "host-a:1");
        KubernetesLeaderElection second = new KubernetesLeaderElection(client, FAST, "jobmanager", "host-b:2");
        try {
            first.start(a);
            assertThat(a.next()).isEqualTo("grant 1");
            assertThat(first.hasLeadership(1)).isTrue();
            assertThat(retrieval.currentLeader()).contains(new LeaderInformation(1, "host-a:1"));
            second.start(b);
            ZonedDateTime renewed = lease().getSpec().getRenewTime();
            assertThat(b.poll(3 * FAST.leaseDuration().toMillis())).as("the standby while the leader renews").isNull();
            assertThat(lease().getSpec().getRenewTime()).as("renewals").isAfter(renewed);
            assertThat(first.hasLeadership(1)).isTrue();
            assertThat(second.hasLeadership(1)).isFalse();

            first.close();
            assertThat(a.next()).isEqualTo("revoke");
            assertThat(first.hasLeadership(1)).isFalse();
            assertThat(b.next()).isEqualTo("grant 2");
            assertThat(second.hasLeadership(2)).isTrue();
            assertThat(retrieval.currentLeader()).contains(new LeaderInformation(2, "host-b:2"));
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void losesLeadershipWhenAnotherHolderTakesTheLease() throws Exception {
        RecordingContender a = new RecordingContender();
        KubernetesLeaderElection first = new KubernetesLeaderElection(client, FAST, "jobmanager", "host-a:1");
        try {
            first.start(a);
            assertThat(a.next()).isEqualTo("grant 1");
            // another process (say, one that saw the lease expire during a partition) now holds it
            takeOver("host-c:3#other");
            assertThat(a.next()).isEqualTo("revoke");
            assertThat(first.hasLeadership(1)).isFalse();
            assertThat(KubernetesLeaderElection.retrieval(client, FAST, "jobmanager").currentLeader())
                    .contains(new LeaderInformation(2, "host-c:3"));
        } finally {
            first.close();
        }
    }

    /** Writes another holder into the Lease, retrying when the leader's renewal (every 200 ms) wrote it in between (409). */
    private void takeOver(String holder) {
        for (int attempt = 1; ; attempt++) {
            Lease lease = lease();
            lease.getSpec().setHolderIdentity(holder);
            lease.getSpec().setLeaseTransitions(lease.getSpec().getLeaseTransitions() + 1);
            lease.getSpec().setRenewTime(ZonedDateTime.now());
            try {
                client.leases().inNamespace("flowmesh").resource(lease).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 20) {
                    throw e;
                }
            }
        }
    }

    private Lease lease() {
        return client.leases().inNamespace("flowmesh").withName("it-jobmanager-leader").get();
    }
}
