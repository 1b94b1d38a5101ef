package io.flowmesh.bench.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The expected-value loops against the values BENCHMARKS.md publishes, and against a naive reference. */
class ExpectedTest {

    @Test
    void w2AtTwentyMillionGivesThePublishedValues() {
        assertThat(Expected.w2(20_000_000)).isEqualTo(new Expected.W2(2_000_000, 9_990_000_000L, 31_031_133_897_000_000L));
    }

    @Test
    void w2AtOneHundredMillionGivesThePublishedValues() {
        assertThat(Expected.w2(100_000_000)).isEqualTo(new Expected.W2(10_000_000, 49_950_000_000L, 156_395_669_485_000_000L));
    }

    @Test
    void w1AndW3GiveThePublishedValues() {
        assertThat(Expected.w1(500_000_000)).isEqualTo(new Expected.W1(333_000_000, 332_667_000_000L));
        assertThat(Expected.w3(200_000_000)).isEqualTo(new Expected.W3(200_000_000, 99_900_000_000L, 1000));
    }

    @Test
    void w2OfAnUnevenSizeEqualsAMapOverEveryRecord() {
        long n = 123_457; // ends inside a window, and leaves keys out of the last one
        Map<List<Long>, Long> sums = new HashMap<>();
        for (long i = 0; i < n; i++) {
            sums.merge(List.of(Generator.key(i), (i / 10) / 1000 * 1000 + 1000), Generator.value(i), Long::sum);
        }
        BigInteger m = BigInteger.valueOf(Checksum.M);
        BigInteger checksum = BigInteger.ZERO;
        long sumOfSums = 0;
        for (Map.Entry<List<Long>, Long> e : sums.entrySet()) {
            BigInteger term = BigInteger.valueOf(e.getKey().get(0)).multiply(BigInteger.valueOf(1_000_003))
                    .add(BigInteger.valueOf(e.getKey().get(1))).multiply(BigInteger.valueOf(31)).add(BigInteger.valueOf(e.getValue()));
            checksum = checksum.add(term);
            sumOfSums += e.getValue();
        }
        assertThat(Expected.w2(n)).isEqualTo(new Expected.W2(sums.size(), sumOfSums, checksum.mod(m).longValueExact()));
    }

    @Test
    void modularArithmeticIsExactForLargeOperands() {
        Random random = new Random(7);
        BigInteger m = BigInteger.valueOf(Checksum.M);
        for (int i = 0; i < 10_000; i++) {
            long a = (random.nextLong() >>> 3) % Checksum.M;
            long b = (random.nextLong() >>> 3) % Checksum.M;
            long x = random.nextLong() >>> 1;
            assertThat(Checksum.multiply(a, b)).isEqualTo(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(m).longValueExact());
            assertThat(Checksum.add(a, b)).isEqualTo(BigInteger.valueOf(a).add(BigInteger.valueOf(b)).mod(m).longValueExact());
            assertThat(Checksum.reduce(x)).isEqualTo(BigInteger.valueOf(x).mod(m).longValueExact());
            long key = random.nextInt(1000);
            long end = x;
            long sum = b;
            BigInteger term = BigInteger.valueOf(key).multiply(BigInteger.valueOf(1_000_003)).add(BigInteger.valueOf(end))
                    .multiply(BigInteger.valueOf(31)).add(BigInteger.valueOf(sum)).mod(m);
            assertThat(Checksum.term(key, end, sum)).isEqualTo(term.longValueExact());
        }
    }
}
