package io.flowmesh.cluster.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HighAvailabilityOptionsTest {
    private static HighAvailabilityOptions from(Map<String, String> keys) {
        return HighAvailabilityOptions.from(k -> Optional.ofNullable(keys.get(k)));
    }

    @Test
    void flinksDefaults() {
        HighAvailabilityOptions o = from(Map.of());
        assertThat(o.type()).isEqualTo(HighAvailabilityOptions.Type.NONE);
        assertThat(o.enabled()).isFalse();
        assertThat(o.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.renewDeadline()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.retryPeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.keyPrefix("flowmesh", "ha/default")).isEqualTo("ha/default/default/");
    }

    @Test
    void readsFlinksKeys() {
        HighAvailabilityOptions o = from(Map.of("high-availability.type", "S3", "high-availability.storageDir", "s3://flowmesh/recovery/",
                "high-availability.cluster-id", "/prod", "high-availability.kubernetes.leader-election.lease-duration", "3 s",
                "high-availability.kubernetes.leader-election.renew-deadline", "2s",
                "high-availability.kubernetes.leader-election.retry-period", "500 ms"));
        assertThat(o.type()).isEqualTo(HighAvailabilityOptions.Type.S3);
        assertThat(o.leaseDuration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.renewDeadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.retryPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.keyPrefix("flowmesh", "ha/default")).isEqualTo("recovery/prod/");
        assertThat(from(Map.of("high-availability.type", "kubernetes")).type()).isEqualTo(HighAvailabilityOptions.Type.KUBERNETES);
    }

    @Test
    void refusesWhatCannotWork() {
        assertThatThrownBy(() -> from(Map.of("high-availability.type", "zookeeper"))).hasMessageContaining("high-availability.type")
                .hasMessageContaining("zookeeper");
        assertThatThrownBy(() -> from(Map.of("high-availability.kubernetes.leader-election.renew-deadline", "20 s")))
                .hasMessageContaining("must not exceed");
        assertThatThrownBy(() -> from(Map.of("high-availability.kubernetes.leader-election.retry-period", "15 s")))
                .hasMessageContaining("must be shorter");
        assertThatThrownBy(() -> from(Map.of("high-availability.kubernetes.leader-election.lease-duration", "soon")))
                .hasMessageContaining("lease-duration");
        assertThatThrownBy(() -> from(Map.of("high-availability.storageDir", "s3://other/ha")).keyPrefix("flowmesh", "ha"))
                .hasMessageContaining("s3://flowmesh/");
    }

    @Test
    void clusterIdFallsBackToFlinksKubernetesClusterId() {
        assertThat(from(Map.of("kubernetes.cluster-id", "wordcount")).clusterId()).isEqualTo("wordcount");
        assertThat(from(Map.of("kubernetes.cluster-id", "wordcount", "high-availability.cluster-id", "prod")).clusterId()).isEqualTo("prod");
        assertThat(from(Map.of("kubernetes.cluster-id", "wordcount")).keyPrefix("flowmesh", "ha/default")).isEqualTo("ha/default/wordcount/");
        assertThat(from(Map.of("kubernetes.namespace", "jobs")).withKubernetesNamespace("other").kubernetesNamespace()).isEqualTo("other");
    }

    @Test
    void theFactoryPicksTheImplementationByType() {
        HighAvailabilityServices none = HighAvailabilityServices.none();
        assertThatThrownBy(() -> none.leaderElection("jobmanager", "h:1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> HighAvailabilityServices.create(from(Map.of()), null, "ha", k -> Optional.empty()))
                .isInstanceOf(IllegalStateException.class);
        // cluster-core alone has no Kubernetes implementation: the error names the module to add
        assertThatThrownBy(() -> HighAvailabilityServices.create(from(Map.of("high-availability.type", "kubernetes")), null, "ha",
                k -> Optional.empty())).isInstanceOf(IllegalStateException.class).hasMessageContaining("flowmesh-ha-kubernetes");
        // without HA a locator answers the configured address and never asks the services
        LeaderLocator fixed = LeaderLocator.create(from(Map.of()), none, "jm:8082", LeaderLocator.JOBMANAGER);
        assertThat(fixed.highAvailability()).isFalse();
        assertThat(fixed.leader()).contains(new LeaderInformation(1, "jm:8082"));
    }
}
