package io.flowmesh.jobmanager.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Keys, aliases, defaults and refusals of {@code restart-strategy.*} (Flink 2.x). */
class RestartStrategiesTest {
    private final AtomicLong now = new AtomicLong();

    private RestartBackoffTimeStrategy create(Map<String, String> conf) {
        return RestartStrategies.fromConfiguration(conf, now::get, bound -> bound).create();
    }

    private long failAt(RestartBackoffTimeStrategy s, long at) {
        now.set(at);
        s.notifyFailure("boom");
        return s.getBackoffTime();
    }

    @Test
    void noneWithoutCheckpointing() {
        RestartBackoffTimeStrategy s = create(Map.of());
        assertThat(s).isInstanceOf(NoRestartBackoffTimeStrategy.class);
        s.notifyFailure("boom");
        assertThat(s.canRestart()).isFalse();
    }

    @Test
    void exponentialDelayWithFlinkDefaultsWhenCheckpointingIsOn() {
        RestartBackoffTimeStrategy s = create(Map.of("execution.checkpointing.interval", "10 s"));
        assertThat(s).isInstanceOf(ExponentialDelayRestartBackoffTimeStrategy.class);
        // initial 1 s, multiplier 1.5, jitter 0.1 (the test's jitter always adds the full bound), max 1 min
        assertThat(failAt(s, 0)).isEqualTo(1100);
        assertThat(failAt(s, 100_000)).isEqualTo(1650);
        for (int i = 2; i < 12; i++) {
            failAt(s, i * 100_000L);
        }
        assertThat(failAt(s, 1_200_000)).isEqualTo(60_000);
        assertThat(s.canRestart()).isTrue(); // attempts-before-reset-backoff: unlimited
        assertThat(s.toString()).isEqualTo("ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMs=1000, maxBackoffMs=60000, multiplier=1.5, "
                + "resetThresholdMs=3600000, jitterFactor=0.1, attemptsBeforeReset=2147483647)");
    }

    @Test
    void anExplicitTypeWinsOverTheCheckpointingDefault() {
        assertThat(create(Map.of("execution.checkpointing.interval", "10 s", "restart-strategy.type", "none")))
                .isInstanceOf(NoRestartBackoffTimeStrategy.class);
    }

    @Test
    void aliasesAsFlinkAcceptsThem() {
        for (String none : new String[] {"none", "off", "disable", " NONE "}) {
            assertThat(create(Map.of("restart-strategy.type", none))).isInstanceOf(NoRestartBackoffTimeStrategy.class);
        }
        assertThat(create(Map.of("restart-strategy.type", "fixeddelay"))).isInstanceOf(FixedDelayRestartBackoffTimeStrategy.class);
        assertThat(create(Map.of("restart-strategy.type", "fixed-delay"))).isInstanceOf(FixedDelayRestartBackoffTimeStrategy.class);
        assertThat(create(Map.of("restart-strategy.type", "failurerate"))).isInstanceOf(FailureRateRestartBackoffTimeStrategy.class);
        assertThat(create(Map.of("restart-strategy.type", "failure-rate"))).isInstanceOf(FailureRateRestartBackoffTimeStrategy.class);
        assertThat(create(Map.of("restart-strategy.type", "exponentialdelay"))).isInstanceOf(ExponentialDelayRestartBackoffTimeStrategy.class);
        assertThat(create(Map.of("restart-strategy.type", "Exponential-Delay"))).isInstanceOf(ExponentialDelayRestartBackoffTimeStrategy.class);
    }

    @Test
    void fixedDelayDefaultsToOneAttemptAfterOneSecond() {
        RestartBackoffTimeStrategy s = create(Map.of("restart-strategy.type", "fixed-delay"));
        assertThat(failAt(s, 0)).isEqualTo(1000);
        assertThat(s.canRestart()).isTrue();
        failAt(s, 5000);
        assertThat(s.canRestart()).isFalse();
    }

    @Test
    void fixedDelayKeys() {
        RestartBackoffTimeStrategy s = create(Map.of("restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.attempts", "3",
                "restart-strategy.fixed-delay.delay", "10 s"));
        for (int i = 0; i < 3; i++) {
            assertThat(failAt(s, i * 20_000L)).isEqualTo(10_000);
            assertThat(s.canRestart()).isTrue();
        }
        failAt(s, 100_000);
        assertThat(s.canRestart()).isFalse();
    }

    @Test
    void failureRateDefaultsAndKeys() {
        RestartBackoffTimeStrategy byDefault = create(Map.of("restart-strategy.type", "failure-rate"));
        assertThat(failAt(byDefault, 0)).isEqualTo(1000);
        assertThat(byDefault.canRestart()).isFalse(); // 1 failure per 1 min

        RestartBackoffTimeStrategy s = create(Map.of("restart-strategy.type", "failure-rate",
                "restart-strategy.failure-rate.max-failures-per-interval", "2",
                "restart-strategy.failure-rate.failure-rate-interval", "1 min", "restart-strategy.failure-rate.delay", "250 ms"));
        assertThat(failAt(s, 0)).isEqualTo(250);
        assertThat(s.canRestart()).isTrue();
        failAt(s, 60_001);
        assertThat(s.canRestart()).isTrue();
        failAt(s, 120_001); // 60001 and 120001: exactly one minute apart
        assertThat(s.canRestart()).isFalse();
    }

    @Test
    void exponentialDelayKeys() {
        RestartBackoffTimeStrategy s = create(Map.of("restart-strategy.type", "exponential-delay",
                "restart-strategy.exponential-delay.initial-backoff", "2 s", "restart-strategy.exponential-delay.max-backoff", "10 s",
                "restart-strategy.exponential-delay.backoff-multiplier", "2.0", "restart-strategy.exponential-delay.jitter-factor", "0",
                "restart-strategy.exponential-delay.reset-backoff-threshold", "30 min",
                "restart-strategy.exponential-delay.attempts-before-reset-backoff", "3"));
        assertThat(failAt(s, 0)).isEqualTo(2000);
        assertThat(failAt(s, 100_000)).isEqualTo(4000);
        assertThat(failAt(s, 200_000)).isEqualTo(8000);
        assertThat(s.canRestart()).isTrue();
        assertThat(failAt(s, 300_000)).isEqualTo(10_000);
        assertThat(s.canRestart()).isFalse();
        // ran 30 min after the planned restart at 310000: reset
        assertThat(failAt(s, 310_000 + 1_800_000)).isEqualTo(2000);
        assertThat(s.canRestart()).isTrue();
    }

    @Test
    void malformedValuesNameTheKeyAndTheValue() {
        assertRefused(Map.of("restart-strategy.type", "sometimes"), "configuration key restart-strategy.type: 'sometimes' is not a restart strategy");
        assertRefused(Map.of("restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.attempts", "-1"),
                "configuration key restart-strategy.fixed-delay.attempts: '-1'");
        assertRefused(Map.of("restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.attempts", "three"),
                "configuration key restart-strategy.fixed-delay.attempts: 'three'");
        assertRefused(Map.of("restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.delay", "5 parsecs"),
                "configuration key restart-strategy.fixed-delay.delay: '5 parsecs'");
        assertRefused(Map.of("restart-strategy.type", "failure-rate", "restart-strategy.failure-rate.max-failures-per-interval", "0"),
                "configuration key restart-strategy.failure-rate.max-failures-per-interval: '0'");
        assertRefused(Map.of("restart-strategy.type", "failure-rate", "restart-strategy.failure-rate.failure-rate-interval", "0 s"),
                "configuration key restart-strategy.failure-rate.failure-rate-interval: '0 s'");
        assertRefused(Map.of("restart-strategy.type", "exponential-delay", "restart-strategy.exponential-delay.backoff-multiplier", "1.0"),
                "configuration key restart-strategy.exponential-delay.backoff-multiplier: '1.0'");
        assertRefused(Map.of("restart-strategy.type", "exponential-delay", "restart-strategy.exponential-delay.backoff-multiplier", "fast"),
                "configuration key restart-strategy.exponential-delay.backoff-multiplier: 'fast'");
        assertRefused(Map.of("restart-strategy.type", "exponential-delay", "restart-strategy.exponential-delay.jitter-factor", "1.5"),
                "configuration key restart-strategy.exponential-delay.jitter-factor: '1.5'");
        assertRefused(Map.of("restart-strategy.type", "exponential-delay", "restart-strategy.exponential-delay.max-backoff", "500 ms"),
                "configuration key restart-strategy.exponential-delay.max-backoff: '500 ms' is less than");
        assertRefused(Map.of("execution.checkpointing.interval", "1 s", "restart-strategy.exponential-delay.attempts-before-reset-backoff", "many"),
                "configuration key restart-strategy.exponential-delay.attempts-before-reset-backoff: 'many'");
    }

    @Test
    void keysOfOtherTypesAreNotRead() {
        assertThat(create(Map.of("restart-strategy.type", "none", "restart-strategy.fixed-delay.attempts", "lots")))
                .isInstanceOf(NoRestartBackoffTimeStrategy.class);
    }

    private void assertRefused(Map<String, String> conf, String messageStart) {
        assertThatThrownBy(() -> RestartStrategies.fromConfiguration(conf)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(messageStart);
    }
}
