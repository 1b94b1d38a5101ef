package io.flowmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.bench.results.Correctness;
import io.flowmesh.bench.results.Workload;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flowmesh bench all} without a cluster: the table (exact text), median/min/max/ratio, the
 * median run and JSON lines of {@link WorkloadResult}, N from --n/--n-scale, and the usage errors.
 */
class BenchAllTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return FlowmeshCli.execute(new CliEnvironment(Map.of(), home), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private BenchAllCommand parseAll(String... args) {
        CommandLine cl = new CommandLine(new FlowmeshCli(new CliEnvironment(Map.of(), home), System.out, System.err));
        List<CommandLine> parsed = cl.parseArgs(args).asCommandLineList();
        return (BenchAllCommand) parsed.get(parsed.size() - 1).getCommand();
    }

    @Test
    void medianMinMaxAndRatio() {
        // odd R: the middle value; 11 / 22.2 = 0.4954...
        BenchTable.Row odd = new BenchTable.Row("W1", 500_000_000, new double[] {10e6, 12.5e6, 11e6}, new boolean[] {true, true, true},
                22.2e6, null);
        assertEquals(11e6, odd.median());
        assertEquals(10e6, odd.min());
        assertEquals(12.5e6, odd.max());
        assertEquals(11.0 / 22.2, odd.ratio(), 1e-12);
        assertTrue(odd.allOk());
        // even R: the upper of the two middle records/s = the faster middle run
        BenchTable.Row even = new BenchTable.Row("W2", 100_000_000, new double[] {4e6, 5e6, 3e6, 6e6},
                new boolean[] {true, false, true, true}, 4.97e6, null);
        assertEquals(5e6, even.median());
        assertEquals(3e6, even.min());
        assertEquals(6e6, even.max());
        assertEquals(false, even.allOk());
        assertTrue(Double.isNaN(new BenchTable.Row("latency", 1, new double[] {1}, new boolean[] {true}, 0, null).ratio()));
        assertEquals(false, BenchTable.Row.failed("W5", 20_000_000, 0.77e6, "boom").allOk());
    }

    @Test
    void tableIsExact() {
        List<BenchTable.Row> rows = List.of(
                new BenchTable.Row("W1", 500_000_000, new double[] {10e6, 12.5e6, 11e6}, new boolean[] {true, true, true}, 22.2e6, null),
                new BenchTable.Row("W2, 1 s checkpoints", 100_000_000, new double[] {4e6, 5e6, 3e6, 6e6},
                        new boolean[] {true, false, true, true}, 4.94e6, null),
                BenchTable.Row.failed("W5", 20_000_000, 0.77e6, "benchmark job j5 ended FAILED"),
                new BenchTable.Row("latency", 12_000_000, new double[] {199_990}, new boolean[] {true}, 0, null));
        String table = BenchTable.format(new BenchTable.Machine(2, "17.0.13", LocalDate.of(2025, 6, 1)),
                "flowmesh bench all: 3 run(s) per workload", rows, new BenchTable.Latency(0.85, 1.95, 3.1, 18));
        String expected = String.join("\n",
                "flowmesh bench all: 3 run(s) per workload",
                "machine: 2 cores, JDK 17.0.13, 2025-06-01",
                "",
                "workload                         N  median rec/s  min rec/s  max rec/s  Flink rec/s  ratio  ok (every run)",
                "W1                     500,000,000       11.00 M    10.00 M    12.50 M      22.20 M   0.50  ok ok ok",
                "W2, 1 s checkpoints    100,000,000        5.00 M     3.00 M     6.00 M       4.94 M   1.01  ok FAIL ok ok",
                "W5                      20,000,000             -          -          -       0.77 M      -  error: benchmark job j5 ended FAILED",
                "latency                 12,000,000        0.20 M     0.20 M     0.20 M            -      -  ok",
                "",
                "latency, ms (median run by p99)             p50      p99    p99.9      max",
                "  Flowmesh                                0.850    1.950    3.100   18.000",
                "  Flink 2.2.1, buffer timeout 100 ms      6.700   14.200   14.600   25.000",
                "  Flink 2.2.1, buffer timeout 1 ms        0.520    1.070    2.600   15.000",
                "  Flowmesh / Flink (100 ms)                0.13     0.14     0.21     0.72",
                "",
                "rec/s: N / seconds from submission to FINISHED (latency: the rate achieved); median run by seconds; "
                        + "ratio: median / Flink (BENCHMARKS.md, Apache Flink 2.2.1)",
                "");
        assertEquals(expected, table);
        // without a completed latency run there is no latency section
        String noLatency = BenchTable.format(new BenchTable.Machine(2, "17", LocalDate.of(2025, 6, 1)), "s", rows.subList(0, 1), null);
        assertEquals(false, noLatency.contains("p99.9"), noLatency);
    }

    @Test
    void planHasEveryWorkloadWithBenchmarksFigures() {
        assertEquals(List.of("W1", "W2", "W2, 1 s checkpoints", "W3", "W4", "W5", "latency"),
                BenchAllCommand.PLAN.stream().map(BenchAllCommand.Entry::name).toList());
        assertEquals(List.of(22.2e6, 4.97e6, 4.94e6, 9.3e6, 1.31e6, 0.77e6, 0.0),
                BenchAllCommand.PLAN.stream().map(BenchAllCommand.Entry::flinkRecordsPerSecond).toList());
        assertEquals(List.of(0L, 0L, 1000L, 0L, 1000L, 1000L, 1000L),
                BenchAllCommand.PLAN.stream().map(BenchAllCommand.Entry::checkpointMillis).toList());
    }

    @Test
    void medianRunAndJsonLines() {
        Correctness c = new Correctness(ordered(3, 4), ordered(3, 4));
        Correctness bad = new Correctness(ordered(2, 4), ordered(3, 4));
        WorkloadResult result = new WorkloadResult(Workload.W1, "flowmesh-t", 1000, 2, 0, Map.of("checkpoint_ms", 0L, "taskmanagers", 2),
                List.of(new WorkloadResult.RunResult("a", 4.0, true, c, null, Map.of()),
                        new WorkloadResult.RunResult("b", 2.0, false, bad, null, Map.of()),
                        new WorkloadResult.RunResult("c", 8.0, true, c, null, Map.of())));
        assertEquals("a", result.median().jobId());
        assertEquals(false, result.ok());
        assertEquals(List.of(250.0, 500.0, 125.0), java.util.Arrays.stream(result.recordsPerSecond()).boxed().toList());
        // one run alone, as `bench W1 --runs 1` prints it
        assertEquals("{\"workload\":\"W1\",\"engine\":\"flowmesh-t\",\"records\":1000,\"seconds\":2.000,\"records_per_s\":500,"
                        + "\"count\":2,\"sum\":4,\"ok\":false,\"parallelism\":2,\"checkpoint_ms\":0,\"state_backend\":\"heap\",\"taskmanagers\":2}",
                result.runLine(result.runs().get(1)));
        // the median run, ok of every run, runs and seconds_all
        assertEquals("{\"workload\":\"W1\",\"engine\":\"flowmesh-t\",\"records\":1000,\"seconds\":4.000,\"records_per_s\":250,"
                        + "\"count\":3,\"sum\":4,\"ok\":false,\"parallelism\":2,\"checkpoint_ms\":0,\"state_backend\":\"heap\",\"taskmanagers\":2,"
                        + "\"runs\":3,\"seconds_all\":[4.000,2.000,8.000]}",
                result.medianLine());
    }

    @Test
    void aComparisonLineSetsTheMedianRunsWithoutAndWithCheckpointsSideBySide() {
        Correctness c = new Correctness(ordered(3, 4), ordered(3, 4));
        Correctness bad = new Correctness(ordered(2, 4), ordered(3, 4));
        WorkloadResult without = new WorkloadResult(Workload.W2, "flowmesh-t", 1000, 2, 0,
                Map.of("checkpoint_ms", 0L, "taskmanagers", 2L),
                List.of(new WorkloadResult.RunResult("a", 16.0, true, c, null, Map.of()),
                        new WorkloadResult.RunResult("b", 15.0, true, c, null, Map.of()),
                        new WorkloadResult.RunResult("c", 17.0, true, c, null, Map.of())));
        WorkloadResult with = new WorkloadResult(Workload.W2, "flowmesh-t", 1000, 2, 0,
                Map.of("checkpoint_ms", 1000L, "taskmanagers", 2L),
                List.of(new WorkloadResult.RunResult("d", 20.0, true, c, null, Map.of()),
                        new WorkloadResult.RunResult("e", 15.5, true, c, null, Map.of()),
                        new WorkloadResult.RunResult("f", 16.5, true, c, null, Map.of())));
        // medians 16.0 and 16.5 s: 16 / 16.5 = 0.9697
        assertEquals("{\"workload\":\"W2\",\"engine\":\"flowmesh-t\",\"records\":1000,\"compare\":\"checkpoints\",\"pairs\":3,"
                        + "\"checkpoint_ms\":1000,\"seconds_without\":16.000,\"seconds_with\":16.500,\"ratio\":0.970,"
                        + "\"seconds_all_without\":[16.000,15.000,17.000],\"seconds_all_with\":[20.000,15.500,16.500],\"ok\":true,"
                        + "\"parallelism\":2,\"taskmanagers\":2}",
                WorkloadResult.comparisonLine(without, with));
        WorkloadResult failed = new WorkloadResult(Workload.W2, "flowmesh-t", 1000, 2, 0, Map.of("checkpoint_ms", 1000L),
                List.of(new WorkloadResult.RunResult("g", 16.0, false, bad, null, Map.of())));
        assertTrue(WorkloadResult.comparisonLine(without, failed).contains("\"ok\":false"));
    }

    @Test
    void compareNeedsCheckpointsAndAWorkloadThatCanRunWithout() {
        assertEquals(2, run("bench", "W2", "--compare"));
        assertTrue(err().contains("--compare needs --checkpoint-ms and one of W1, W2, W3"), err());
        assertEquals(2, run("bench", "W4", "--compare", "--checkpoint-ms", "1000"));
        assertTrue(err().contains("--compare needs --checkpoint-ms and one of W1, W2, W3"), err());
    }

    @Test
    void rowsFromRunsAndTheMedianLatencyRunByP99() {
        Correctness c = new Correctness(ordered(3, 4), ordered(3, 4));
        WorkloadResult w1 = new WorkloadResult(Workload.W1, "flowmesh-t", 1000, 2, 0, Map.of(),
                List.of(new WorkloadResult.RunResult("a", 4.0, true, c, null, Map.of()),
                        new WorkloadResult.RunResult("b", 0.5, false, c, null, Map.of())));
        BenchTable.Row row = BenchAllCommand.row(BenchAllCommand.PLAN.get(0), w1);
        assertEquals("W1", row.name());
        assertEquals(1000, row.n());
        assertEquals(List.of(250.0, 2000.0), java.util.Arrays.stream(row.recordsPerSecond()).boxed().toList());
        assertEquals("ok FAIL", BenchTable.okColumn(row.ok()));
        assertEquals(22.2e6, row.flinkRecordsPerSecond());
        // the median of two runs is the faster: 2000 records/s
        assertEquals(2000.0, row.median());
        // latency runs: values below 256 µs are counted exactly; p99 of 1..100 µs is 99 µs
        WorkloadResult latency = new WorkloadResult(Workload.LATENCY, "flowmesh-t", 100, 2, 200_000, Map.of(), List.of(
                latencyRun("a", 199_000, 1, 100), latencyRun("b", 201_000, 200, 200), latencyRun("c", 198_000, 50, 50)));
        assertEquals("a", latency.median().jobId());
        assertEquals(0.099, latency.median().latency().millisAt(0.99), 1e-12);
        BenchTable.Row latencyRow = BenchAllCommand.row(BenchAllCommand.PLAN.get(6), latency);
        assertEquals(List.of(199_000.0, 201_000.0, 198_000.0), java.util.Arrays.stream(latencyRow.recordsPerSecond()).boxed().toList());
        assertEquals(199_000.0, latencyRow.median());
        assertTrue(Double.isNaN(latencyRow.ratio()));
    }

    /** A latency run whose sinks saw one record of every latency from {@code fromMicros} to {@code toMicros}. */
    private static WorkloadResult.RunResult latencyRun(String jobId, double rate, int fromMicros, int toMicros) {
        io.flowmesh.bench.results.LatencyHistogram h = new io.flowmesh.bench.results.LatencyHistogram();
        for (int v = fromMicros; v <= toMicros; v++) {
            h.record(v);
        }
        return new WorkloadResult.RunResult(jobId, 60, true, null,
                new io.flowmesh.bench.results.LatencyResult(100, h.count(), rate, h), Map.of());
    }

    /** W1's correctness fields in BENCHMARKS.md's order. */
    private static Map<String, Long> ordered(long count, long sum) {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("count", count);
        m.put("sum", sum);
        return m;
    }

    @Test
    void nComesFromNOrScaleOrBenchmarks() {
        BenchAllCommand defaults = parseAll("bench", "all");
        assertEquals(3, defaults.runs);
        assertEquals(500_000_000L, defaults.records(Workload.W1));
        assertEquals(20_000_000L, defaults.records(Workload.W5));
        assertEquals(12_000_000L, defaults.records(Workload.LATENCY));
        BenchAllCommand scaled = parseAll("bench", "all", "--n-scale", "0.1", "--rate", "1000", "--seconds", "30");
        assertEquals(50_000_000L, scaled.records(Workload.W1));
        assertEquals(10_000_000L, scaled.records(Workload.W2));
        assertEquals(2_000_000L, scaled.records(Workload.W4));
        assertEquals(30_000L, scaled.records(Workload.LATENCY));
        assertEquals(1L, parseAll("bench", "all", "--n-scale", "1e-12").records(Workload.W3));
        BenchAllCommand fixed = parseAll("bench", "all", "--n", "7000");
        assertEquals(7000L, fixed.records(Workload.W1));
        assertEquals(7000L, fixed.records(Workload.W5));
    }

    @Test
    void usageErrorsAreExact() {
        assertUsage("Error: --runs must be >= 1, was 0", "bench", "all", "--runs", "0");
        assertUsage("Error: --n and --n-scale exclude each other", "bench", "all", "--n", "5", "--n-scale", "0.5");
        assertUsage("Error: --n must be >= 1, was 0", "bench", "all", "--n", "0");
        assertUsage("Error: --n-scale must be > 0, was 0.0", "bench", "all", "--n-scale", "0");
        assertUsage("Error: --parallelism must be >= 1, was 0", "bench", "all", "-p", "0");
        assertUsage("Error: --taskmanagers and --slots must be >= 1", "bench", "all", "--slots", "0");
        assertUsage("Error: latency needs --rate > 0, --seconds >= 1 and 0 <= --warmup-seconds < --seconds",
                "bench", "all", "--seconds", "10", "--warmup-seconds", "10");
        Path noDir = home.resolve("no-such-dir");
        assertUsage("Error: --json: directory " + noDir + " does not exist", "bench", "all", "--json", noDir.resolve("runs.jsonl").toString());
        assertUsage("Error: missing <workload>: W1, W2, W3, W4, W5 or latency, or the command all", "bench");
        assertUsage("Error: unknown workload 'W9': expected W1, W2, W3, W4, W5 or latency", "bench", "W9");
        assertUsage("Error: --runs must be >= 1, was 0", "bench", "W1", "--runs", "0");
        assertEquals(2, run("bench", "all", "--runs", "x"));
        assertTrue(err().startsWith("Invalid value for option '--runs': 'x' is not an int"), err());
        // valid options get as far as the missing jar: exit 1, nothing started
        assertEquals(1, run("bench", "all", "--runs", "1", "--n-scale", "0.01"));
        assertEquals("Error: missing " + home.resolve("bench/target/flowmesh-bench.jar") + ": build it with ./mvnw -pl bench -am "
                + "-DskipTests package (in " + home + ")\n", err());
        assertEquals("", out());
    }

    private void assertUsage(String message, String... args) {
        assertEquals(2, run(args), String.join(" ", args) + ": " + err());
        assertEquals(message + "\n", err(), String.join(" ", args));
        assertEquals("", out());
    }

    @Test
    void helpShowsBothFormsAndAllsDefaults() {
        assertEquals(0, run("bench", "--help"));
        assertTrue(out().startsWith("Usage: flowmesh bench [OPTIONS] <workload>\n   or: flowmesh bench all [OPTIONS]\n"), out());
        assertTrue(out().contains("\nCommands:\n  all  Runs every workload of BENCHMARKS.md R times"), out());
        assertEquals(0, run("bench", "all", "--help"));
        assertTrue(out().contains("--runs=<n>             Runs of each workload.\n                               Default: 3"), out());
        assertTrue(out().contains("  ./flowmesh bench all --n 20000000 --json runs.jsonl"), out());
    }
}
