package io.flowmesh.bench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void quantilesAreWithinOnePercentOfTheExactOnes() {
        Random random = new Random(3);
        long[] values = new long[100_000];
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(random.nextDouble() * 16); // 1 µs .. ~9 s, log-uniform
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            long exact = values[(int) Math.ceil(q * values.length) - 1];
            assertThat((double) h.valueAtQuantile(q)).isCloseTo(exact, within(Math.max(1, exact * 0.01)));
            assertThat(h.valueAtQuantile(q)).isGreaterThanOrEqualTo(exact);
        }
        assertThat(h.max()).isEqualTo(values[values.length - 1]);
        assertThat(h.count()).isEqualTo(values.length);
    }

    @Test
    void bucketsCoverEveryValueWithoutGaps() {
        for (long v : List.of(0L, 1L, 255L, 256L, 257L, 511L, 512L, 1_000_000L, Long.MAX_VALUE)) {
            int i = LatencyHistogram.index(v);
            assertThat(LatencyHistogram.lowestValue(i)).isLessThanOrEqualTo(v);
            assertThat(LatencyHistogram.highestValue(i)).isGreaterThanOrEqualTo(v);
        }
        for (int i = 0; i < LatencyHistogram.index(Long.MAX_VALUE); i++) {
            assertThat(LatencyHistogram.lowestValue(i + 1)).isEqualTo(LatencyHistogram.highestValue(i) + 1);
        }
    }

    @Test
    void mergedEncodedHistogramsEqualOneOverAllValues() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        LatencyHistogram all = new LatencyHistogram();
        for (long v = 0; v < 50_000; v += 7) {
            (v % 2 == 0 ? a : b).record(v);
            all.record(v);
        }
        LatencyHistogram merged = LatencyHistogram.decode(a.encode());
        merged.add(LatencyHistogram.decode(b.encode()));
        assertThat(merged).isEqualTo(all);
        assertThat(merged.valueAtQuantile(0.5)).isEqualTo(all.valueAtQuantile(0.5));
        assertThat(new LatencyHistogram().valueAtQuantile(0.99)).isZero();
    }
}
