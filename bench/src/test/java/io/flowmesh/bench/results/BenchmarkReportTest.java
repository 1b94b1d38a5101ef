package io.flowmesh.bench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON line, the summaries' text form, and how the summaries of a run add up. */
class BenchmarkReportTest {

    private static Summary w2(int subtask, long results, long sumOfSums, long checksum) {
        return Summary.builder(subtask, 2).put("window_results", results).put("sum_of_sums", sumOfSums).put("checksum", checksum).build();
    }

    @Test
    void theW2LineHasTheFieldsOfBenchmarksMdInItsOrder() {
        // the published totals, split over two subtasks; the checksums add up modulo 2^61 - 1
        long c0 = Checksum.M - 5;
        long c1 = Checksum.add(156_395_669_485_000_000L, 5);
        Correctness c = Correctness.of(Workload.W2, 100_000_000,
                List.of(w2(1, 4_000_000, 20_000_000_000L, c1), w2(0, 6_000_000, 29_950_000_000L, c0)));
        assertThat(c.ok()).isTrue();
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("taskmanagers", 2);
        extras.put("taskmanager_peak_rss_mb", new double[] {412.25, 398.0});
        String line = BenchmarkReport.throughput(Workload.W2, "flowmesh-0.1.0-SNAPSHOT", 100_000_000, 20.5, c, c.ok(), 2, extras);
        assertThat(line).isEqualTo("{\"workload\":\"W2\",\"engine\":\"flowmesh-0.1.0-SNAPSHOT\",\"records\":100000000,\"seconds\":20.500,"
                + "\"records_per_s\":4878049,\"window_results\":10000000,\"sum_of_sums\":49950000000,"
                + "\"checksum\":156395669485000000,\"ok\":true,\"parallelism\":2,\"checkpoint_ms\":0,\"state_backend\":\"heap\","
                + "\"taskmanagers\":2,\"taskmanager_peak_rss_mb\":[412.250,398.000]}");
    }

    @Test
    void aWrongFieldMakesTheRunNotOkAndIsNamed() {
        Correctness c = Correctness.of(Workload.W1, 1000, List.of(
                Summary.builder(0, 2).put("count", 333).put("sum", 200_000).build(),
                Summary.builder(1, 2).put("count", 333).put("sum", 132_000).build()));
        assertThat(c.ok()).isFalse();
        assertThat(c.mismatches()).containsExactly("sum: got 332000, expected 665334");
        String line = BenchmarkReport.throughput(Workload.W1, "e", 1000, 0.001, c, c.ok(), 2, Map.of());
        assertThat(line).contains("\"count\":666,\"sum\":332000,\"ok\":false,");
    }

    @Test
    void w3ChecksTheKeysButDoesNotPrintThem() {
        Correctness c = Correctness.of(Workload.W3, 2000, List.of(
                Summary.builder(0, 1).put("outputs", 2000).put("final_sum", 999_000).put("keys", 1000).build()));
        assertThat(c.ok()).isTrue();
        assertThat(BenchmarkReport.throughput(Workload.W3, "e", 2000, 1, c, c.ok(), 1, Map.of()))
                .contains("\"outputs\":2000,\"final_sum\":999000,\"ok\":true").doesNotContain("keys");
    }

    @Test
    void summariesMustBeOnePerSinkSubtask() {
        Summary s = w2(0, 1, 1, 1);
        assertThatThrownBy(() -> Correctness.of(Workload.W2, 10, List.of(s))).hasMessageContaining("expected 2 summaries");
        assertThatThrownBy(() -> Correctness.of(Workload.W2, 10, List.of(s, s))).hasMessageContaining("repeated");
    }

    @Test
    void summariesRoundTripThroughTheirText() {
        Summary s = Summary.builder(1, 2).put("records", 5).put("histogram_us", "12/3:4,12:1").build();
        assertThat(s.toText()).isEqualTo("subtask=1;parallelism=2;records=5;histogram_us=12/3:4,12:1;");
        Summary back = Summary.parse(s.toBytes());
        assertThat(back.values()).isEqualTo(s.values());
        assertThatThrownBy(() -> Summary.parse("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jsonStringsAreEscapedAndDecimalsNeverUseExponents() {
        assertThat(new JsonLine().add("a\"b", "x\\y\n").add("d", 1e-7, 3).add("big", 1e12, 1).toString())
                .isEqualTo("{\"a\\\"b\":\"x\\\\y\\n\",\"d\":0.000,\"big\":1000000000000.0}");
    }
}
