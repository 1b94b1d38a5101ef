package io.flowmesh.cli;

import io.flowmesh.bench.results.LatencyResult;
import io.flowmesh.bench.results.Workload;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flowmesh bench all}: runs every workload of {@code BENCHMARKS.md} ({@link #PLAN}) R times
 * on one local cluster ({@link BenchSession}), in order, and prints {@link BenchTable} on stdout.
 * Every run's JSON line (as {@code flowmesh bench <workload> --runs 1} prints it) goes to stderr as
 * the run finishes, or to the {@code --json} file. A workload that ends with an error (its job
 * failed, say) is a table row {@code error: ...} and the next workload runs.
 *
 * <p>Exit codes: 0 every run of every workload passed its checks; 2 a check failed, a workload ended
 * with an error, or a usage error; 1 no cluster or no bench jar.
 */
@Command(name = "all", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Runs every workload of BENCHMARKS.md R times on the local cluster - W1, W2, W2 with 1 s checkpoints, "
                + "W3, W4, W5, latency (1 s checkpoints) - and prints a table: N, median/min/max records/s, each run's ok, "
                + "Apache Flink's figure and the ratio; latency percentiles of the median run beside Flink's.",
                "Every run's JSON line goes to stderr, or to --json <file>. Uses the running local cluster, or starts one "
                        + "and stops it afterwards. Exits 0 when every check of every run passed, 2 otherwise."},
        footer = {"", "Examples:",
                "  ./flowmesh bench all                         BENCHMARKS.md's N, 3 runs each",
                "  ./flowmesh bench all --runs 1 --n-scale 0.1  a tenth of every N, 1 run each",
                "  ./flowmesh bench all --n 20000000 --json runs.jsonl"})
final class BenchAllCommand implements Callable<Integer> {

    /** One row of the table: which workload, with which checkpoint interval, and Flink's records/s (0: none). */
    record Entry(String name, Workload workload, long checkpointMillis, double flinkRecordsPerSecond) {}

    /** The workloads in the order they run, with {@code BENCHMARKS.md}'s Flink figures. */
    static final List<Entry> PLAN = List.of(
            new Entry("W1", Workload.W1, 0, 22.2e6),
            new Entry("W2", Workload.W2, 0, 4.97e6),
            new Entry("W2, 1 s checkpoints", Workload.W2, 1000, 4.94e6),
            new Entry("W3", Workload.W3, 0, 9.3e6),
            new Entry("W4", Workload.W4, 1000, 1.31e6),
            new Entry("W5", Workload.W5, 1000, 0.77e6),
            new Entry("latency", Workload.LATENCY, 1000, 0));

    @ParentCommand
    BenchCommand bench;

    @Option(names = "--runs", paramLabel = "<n>", defaultValue = "3", description = "Runs of each workload.")
    int runs;

    @Option(names = "--n", paramLabel = "<records>",
            description = "N of every throughput workload. Default: BENCHMARKS.md's (W1 500000000, W2 100000000, W3 200000000, "
                    + "W4 and W5 20000000).")
    Long records;

    @Option(names = "--n-scale", paramLabel = "<factor>",
            description = "Multiplies BENCHMARKS.md's N of every throughput workload (rounded, at least 1).")
    Double scale;

    @Option(names = "--json", paramLabel = "<file>", description = "Write every run's JSON line to <file> instead of stderr.")
    Path json;

    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        validate();
        FlowmeshCli cli = bench.cli;
        List<BenchTable.Row> rows = new ArrayList<>();
        BenchTable.Latency latency = null;
        String setup;
        try (BufferedWriter jsonFile = json == null ? null : Files.newBufferedWriter(json, StandardCharsets.UTF_8);
                BenchSession session = new BenchSession(cli.env, options, cli.err)) {
            for (Entry e : PLAN) {
                long n = records(e.workload());
                cli.err.println("== " + e.name() + " ==");
                WorkloadResult result;
                try {
                    result = session.run(e.workload(), n, e.checkpointMillis(), runs);
                } catch (RuntimeException failure) {
                    // the workloads are independent: the table reports this one, and the next runs
                    String why = failure instanceof CliException ? failure.getMessage() : failure.toString();
                    cli.err.println("Error: " + e.name() + ": " + why);
                    rows.add(BenchTable.Row.failed(e.name(), n, e.flinkRecordsPerSecond(), why));
                    continue;
                }
                for (WorkloadResult.RunResult run : result.runs()) {
                    writeLine(cli, jsonFile, result.runLine(run));
                }
                rows.add(row(e, result));
                if (e.workload() == Workload.LATENCY) {
                    LatencyResult m = result.median().latency();
                    latency = new BenchTable.Latency(m.millisAt(0.50), m.millisAt(0.99), m.millisAt(0.999), m.maxMillis());
                }
            }
            BenchSession.Shape shape = session.shape();
            setup = String.format(java.util.Locale.ROOT, "flowmesh bench all: %d run(s) per workload, parallelism %d, "
                    + "%d TaskManager(s) x %d slot(s)", runs, options.parallelism, shape.taskManagers(), shape.slotsPerTaskManager());
        } catch (IOException | UncheckedIOException e) {
            throw new CliException("cannot write " + json + ": " + e.getMessage());
        }
        cli.out.print(BenchTable.format(BenchTable.Machine.current(), setup, rows, latency));
        if (json != null) {
            cli.out.println("JSON line of every run: " + json.toAbsolutePath());
        }
        return rows.stream().allMatch(BenchTable.Row::allOk) ? 0 : 2;
    }

    /** The table row of an entry's runs: every run's records/s and ok, in the order they ran. */
    static BenchTable.Row row(Entry e, WorkloadResult result) {
        boolean[] ok = new boolean[result.runs().size()];
        for (int i = 0; i < ok.length; i++) {
            ok[i] = result.runs().get(i).ok();
        }
        return new BenchTable.Row(e.name(), result.n(), result.recordsPerSecond(), ok, e.flinkRecordsPerSecond(), null);
    }

    /** N of {@code workload}: --n, or BENCHMARKS.md's times --n-scale, or BENCHMARKS.md's; latency: rate × seconds. */
    long records(Workload workload) {
        if (workload == Workload.LATENCY) {
            return options.latencyRecords();
        }
        if (records != null) {
            return records;
        }
        return scale == null ? workload.defaultRecords() : Math.max(1, Math.round(workload.defaultRecords() * scale));
    }

    private void validate() {
        options.validate(true);
        if (records != null && scale != null) {
            throw new CliException("--n and --n-scale exclude each other", 2);
        }
        BenchOptions.validateRunsAndRecords(runs, records);
        if (scale != null && !(scale > 0)) {
            throw new CliException("--n-scale must be > 0, was " + scale, 2);
        }
        if (json != null) {
            Path dir = json.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw new CliException("--json: directory " + dir + " does not exist", 2);
            }
        }
    }

    private static void writeLine(FlowmeshCli cli, BufferedWriter jsonFile, String line) {
        if (jsonFile == null) {
            cli.err.println(line);
            return;
        }
        try {
            jsonFile.write(line);
            jsonFile.newLine();
            jsonFile.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
