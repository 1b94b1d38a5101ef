package io.flowmesh.engine.windowing;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.api.windowing.windows.TimeWindow;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Windows are keys of the window operator's hash maps and of the timers' hash sets. */
class TimeWindowHashTest {

    @Test
    void alignedWindowsSpreadOverTheLowBitsOfTheirHashes() {
        // 2048 consecutive tumbling windows of 1 s (W2's): a hash table of 2048 buckets indexes by the low 11 bits
        Set<Integer> buckets = new HashSet<>();
        for (long k = 0; k < 2048; k++) {
            buckets.add(new TimeWindow(k * 1000, k * 1000 + 1000).hashCode() & 2047);
        }
        // uniformly random hashes fill ~63 % of the buckets (1 - 1/e); start*31+end filled 8
        assertThat(buckets.size()).as("distinct buckets of 2048 windows").isGreaterThan(1100);
    }

    @Test
    void equalWindowsHaveEqualHashes() {
        assertThat(new TimeWindow(5000, 6000).hashCode()).isEqualTo(new TimeWindow(5000, 6000).hashCode());
        assertThat(new TimeWindow(5000, 6000)).isEqualTo(new TimeWindow(5000, 6000)).isNotEqualTo(new TimeWindow(5000, 7000));
    }
}
