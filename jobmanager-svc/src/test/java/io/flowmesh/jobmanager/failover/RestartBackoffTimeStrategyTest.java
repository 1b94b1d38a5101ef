package io.flowmesh.jobmanager.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The four strategies with a manual clock and a scripted jitter; expected backoffs worked out by hand. */
class RestartBackoffTimeStrategyTest {
    private final AtomicLong now = new AtomicLong();

    private ExponentialDelayRestartBackoffTimeStrategy exponential(long initial, long max, double multiplier, long threshold, double jitter,
            int attempts, ExponentialDelayRestartBackoffTimeStrategy.Jitter source) {
        return new ExponentialDelayRestartBackoffTimeStrategy(initial, max, multiplier, threshold, jitter, attempts, now::get, source);
    }

    /** Fails at {@code at}; returns the backoff from then. */
    private long failAt(RestartBackoffTimeStrategy s, long at) {
        now.set(at);
        s.notifyFailure("boom");
        return s.getBackoffTime();
    }

    @Test
    void noRestartNeverRestarts() {
        NoRestartBackoffTimeStrategy s = new NoRestartBackoffTimeStrategy();
        s.notifyFailure("boom");
        assertThat(s.canRestart()).isFalse();
    }

    @Test
    void fixedDelayRestartsAttemptsTimesWithTheDelay() {
        FixedDelayRestartBackoffTimeStrategy s = new FixedDelayRestartBackoffTimeStrategy(2, 3000);
        assertThat(failAt(s, 0)).isEqualTo(3000);
        assertThat(s.canRestart()).isTrue();
        assertThat(failAt(s, 10_000)).isEqualTo(3000);
        assertThat(s.canRestart()).isTrue();
        failAt(s, 20_000);
        assertThat(s.canRestart()).isFalse();
    }

    @Test
    void fixedDelayWithZeroAttemptsFailsAtOnce() {
        FixedDelayRestartBackoffTimeStrategy s = new FixedDelayRestartBackoffTimeStrategy(0, 1000);
        s.notifyFailure("boom");
        assertThat(s.canRestart()).isFalse();
    }

    @Test
    void failureRateFailsWhenMaxFailuresFallWithinOneInterval() {
        FailureRateRestartBackoffTimeStrategy s = new FailureRateRestartBackoffTimeStrategy(3, 10_000, 500, now::get);
        assertThat(failAt(s, 0)).isEqualTo(500);
        assertThat(s.canRestart()).isTrue();
        failAt(s, 1_000);
        assertThat(s.canRestart()).isTrue();
        failAt(s, 2_000); // 3 failures within [0, 2000]
        assertThat(s.canRestart()).isFalse();
    }

    @Test
    void failureRateIntervalIncludesBothEnds() {
        FailureRateRestartBackoffTimeStrategy s = new FailureRateRestartBackoffTimeStrategy(3, 10_000, 500, now::get);
        failAt(s, 0);
        failAt(s, 1_000);
        failAt(s, 10_000); // 0 and 10000 are exactly one interval apart: still within
        assertThat(s.canRestart()).isFalse();

        FailureRateRestartBackoffTimeStrategy t = new FailureRateRestartBackoffTimeStrategy(3, 10_000, 500, now::get);
        failAt(t, 0);
        failAt(t, 1_000);
        failAt(t, 10_001);
        assertThat(t.canRestart()).isTrue();
        failAt(t, 10_500); // 1000, 10001, 10500
        assertThat(t.canRestart()).isFalse();
    }

    @Test
    void failureRateWithOneFailurePerIntervalFailsOnTheFirstFailure() {
        FailureRateRestartBackoffTimeStrategy s = new FailureRateRestartBackoffTimeStrategy(1, 60_000, 1000, now::get);
        failAt(s, 5);
        assertThat(s.canRestart()).isFalse();
    }

    @Test
    void exponentialDelayGrowsByTheMultiplierUpToTheMax() {
        ExponentialDelayRestartBackoffTimeStrategy s = exponential(1000, 60_000, 1.5, 3_600_000, 0, Integer.MAX_VALUE, b -> {
            throw new AssertionError("no jitter with factor 0");
        });
        assertThat(s.getBackoffTime()).isZero();
        // 1000 * 1.5^k, truncated to ms, capped at 60000; each failure long after the previous restart but within the reset threshold
        List<Long> actual = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            actual.add(failAt(s, i * 100_000L));
            assertThat(s.canRestart()).isTrue();
        }
        assertThat(actual).containsExactly(1000L, 1500L, 2250L, 3375L, 5062L, 7593L, 11390L, 17085L, 25628L, 38443L, 57665L, 60000L, 60000L);
    }

    @Test
    void exponentialDelayAddsJitterWithinTheBoundsAndKeepsTheInitialAsMinimum() {
        List<Long> bounds = new ArrayList<>();
        ExponentialDelayRestartBackoffTimeStrategy up = exponential(1000, 60_000, 1.5, 3_600_000, 0.1, Integer.MAX_VALUE, b -> {
            bounds.add(b);
            return b;
        });
        assertThat(failAt(up, 0)).isEqualTo(1100);
        assertThat(failAt(up, 10_000)).isEqualTo(1650);
        assertThat(failAt(up, 20_000)).isEqualTo(2475);
        assertThat(bounds).containsExactly(100L, 150L, 225L);

        ExponentialDelayRestartBackoffTimeStrategy down = exponential(1000, 60_000, 1.5, 3_600_000, 0.1, Integer.MAX_VALUE, b -> -b);
        assertThat(failAt(down, 0)).isEqualTo(1000); // 900, raised to the initial backoff
        assertThat(failAt(down, 10_000)).isEqualTo(1350);

        ExponentialDelayRestartBackoffTimeStrategy capped = exponential(1000, 2000, 2.0, 3_600_000, 0.5, Integer.MAX_VALUE, b -> b);
        assertThat(failAt(capped, 0)).isEqualTo(1500);
        assertThat(failAt(capped, 10_000)).isEqualTo(2000); // 2000 + 1000, capped
    }

    @Test
    void exponentialDelayMergesFailuresBeforeThePlannedRestart() {
        ExponentialDelayRestartBackoffTimeStrategy s = exponential(1000, 60_000, 1.5, 3_600_000, 0, Integer.MAX_VALUE, b -> 0);
        assertThat(failAt(s, 0)).isEqualTo(1000);
        assertThat(failAt(s, 400)).isEqualTo(600); // same failure: the restart stays at 1000
        assertThat(failAt(s, 1000)).isZero();
        assertThat(failAt(s, 1001)).isEqualTo(1500); // the second restart
    }

    @Test
    void exponentialDelayResetsAfterRunningForTheThreshold() {
        ExponentialDelayRestartBackoffTimeStrategy s = exponential(1000, 60_000, 1.5, 10_000, 0, 2, b -> 0);
        assertThat(failAt(s, 0)).isEqualTo(1000); // restart at 1000
        assertThat(failAt(s, 5_000)).isEqualTo(1500); // restart at 6500
        assertThat(s.canRestart()).isTrue();
        assertThat(failAt(s, 6_500 + 9_999)).isEqualTo(2250); // ran 9999 ms: no reset; third restart since the start
        assertThat(s.canRestart()).isFalse(); // attempts-before-reset-backoff = 2

        ExponentialDelayRestartBackoffTimeStrategy t = exponential(1000, 60_000, 1.5, 10_000, 0, 2, b -> 0);
        failAt(t, 0);
        failAt(t, 5_000); // restart at 6500
        assertThat(failAt(t, 6_500 + 10_000)).isEqualTo(1000); // ran 10 s: back to the initial backoff, count reset
        assertThat(t.canRestart()).isTrue();
        assertThat(failAt(t, 20_000)).isEqualTo(1500); // 2500 ms after the restart at 17500
        assertThat(t.canRestart()).isTrue();
        failAt(t, 25_000);
        assertThat(t.canRestart()).isFalse();
    }
}
