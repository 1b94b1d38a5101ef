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
}
