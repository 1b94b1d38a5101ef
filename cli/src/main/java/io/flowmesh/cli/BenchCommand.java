package io.flowmesh.cli;

import io.flowmesh.bench.results.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flowmesh bench <workload>}: runs one workload of {@code BENCHMARKS.md} on the local cluster
 * ({@link BenchSession}) and prints exactly one JSON line on stdout (progress goes to stderr). With
 * {@code --runs R} the line shows the median run and every run's seconds
 * ({@link WorkloadResult#medianLine}); with {@code --compare} R pairs of runs without and with checkpoints
 * ({@link WorkloadResult#comparisonLine}). {@code flowmesh bench all} ({@link BenchAllCommand}) runs every
 * workload.
 *
 * <p>Exit codes: 0 every check passed; 2 a check failed (the mismatches on stderr) or a usage error;
 * 1 an error (the job failed, no cluster, no summaries).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, showDefaultValues = true,
        subcommands = BenchAllCommand.class,
        customSynopsis = {"flowmesh bench [OPTIONS] <workload>", "   or: flowmesh bench all [OPTIONS]"},
        description = {"Runs a benchmark workload of BENCHMARKS.md (W1, W2, W3, W4, W5 or latency) on the local cluster and prints "
                + "one JSON line: throughput and correctness, or latency percentiles. 'bench all' runs every workload and "
                + "prints a table.",
                "Uses the running local cluster, or starts one (--taskmanagers x --slots) and stops it afterwards. "
                        + "Exits 0 when every check passed, 2 when one failed, 1 on errors."},
        footer = {"", "Examples:",
                "  ./flowmesh bench W2 --n 20000000",
                "  ./flowmesh bench W1 --n 100000000 --taskmanagers 1 --slots 2 --runs 3",
                "  ./flowmesh bench W3 --taskmanagers 2 --slots 1",
                "  ./flowmesh bench W2 --n 20000000 --checkpoint-ms 1000",
                "  ./flowmesh bench W2 --checkpoint-ms 1000 --compare --runs 5",
                "  ./flowmesh bench W4 --n 20000000",
                "  ./flowmesh bench W5 --n 20000000",
                "  ./flowmesh bench latency --rate 200000 --seconds 60",
                "  ./flowmesh bench all --runs 3"})
final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<workload>",
            description = "W1, W2, W3, W4, W5 or latency; or the command all (below).")
    String workloadName;

    @Option(names = "--n", paramLabel = "<records>",
            description = "Input records N. Default: BENCHMARKS.md's (W1 500000000, W2 100000000, W3 200000000, W4 and W5 20000000).")
    Long records;

    @Option(names = "--runs", paramLabel = "<n>", defaultValue = "1", description = "Runs; the line shows the median one.")
    int runs;

    @Option(names = "--checkpoint-ms", paramLabel = "<ms>", defaultValue = "0",
            description = "Exactly-once checkpoints every <ms> milliseconds (execution.checkpointing.interval); 0: none "
                    + "(W4 and W5: 1000).")
    long checkpointMillis;

    @Option(names = "--compare", description = "With --checkpoint-ms (W1, W2, W3): --runs pairs of runs, without and with "
            + "checkpoints, alternating which goes first; one line compares the median runs (ratio = seconds without / with).")
    boolean compare;

    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        if (workloadName == null) {
            throw new CliException("missing <workload>: W1, W2, W3, W4, W5 or latency, or the command all", 2);
        }
        Workload workload;
        try {
            workload = Workload.parse(workloadName);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
        options.validate(workload == Workload.LATENCY);
        BenchOptions.validateRunsAndRecords(runs, records);
        if (checkpointMillis != 0 && checkpointMillis < 10) {
            throw new CliException("--checkpoint-ms must be 0 (no checkpoints) or at least 10, was " + checkpointMillis, 2);
        }
        if (compare && (checkpointMillis == 0 || workload.isKafkaToKafka() || workload == Workload.LATENCY)) {
            throw new CliException("--compare needs --checkpoint-ms and one of W1, W2, W3 (W4 and W5 always checkpoint)", 2);
        }
        try (BenchSession session = new BenchSession(cli.env, options, cli.err)) {
            long n = records != null ? records : workload.defaultRecords();
            if (compare) {
                return comparePairs(session, workload, n);
            }
            WorkloadResult result = session.run(workload, n, checkpointMillis, runs);
            cli.out.println(result.medianLine());
            return result.ok() ? 0 : 2;
        }
    }

    /**
     * Runs without and with checkpoints in pairs on the same cluster, the first pair without first,
     * the next with first, and so on, so that neither kind always runs on the warmer cluster.
     */
    private int comparePairs(BenchSession session, Workload workload, long n) {
        List<WorkloadResult.RunResult> without = new ArrayList<>();
        List<WorkloadResult.RunResult> with = new ArrayList<>();
        WorkloadResult lastWithout = null;
        WorkloadResult lastWith = null;
        for (int pair = 1; pair <= runs; pair++) {
            for (int k = 0; k < 2; k++) {
                boolean checkpoints = (k == 0) == (pair % 2 == 0);
                WorkloadResult r = session.run(workload, n, checkpoints ? checkpointMillis : 0, 1);
                if (checkpoints) {
                    with.addAll(r.runs());
                    lastWith = r;
                } else {
                    without.addAll(r.runs());
                    lastWithout = r;
                }
            }
        }
        WorkloadResult a = new WorkloadResult(workload, lastWithout.engine(), n, lastWithout.parallelism(), 0, lastWithout.extras(), without);
        WorkloadResult b = new WorkloadResult(workload, lastWith.engine(), n, lastWith.parallelism(), 0, lastWith.extras(), with);
        cli.out.println(WorkloadResult.comparisonLine(a, b));
        return a.ok() && b.ok() ? 0 : 2;
    }
}
