package io.flowmesh.cli;

import io.flowmesh.bench.results.Workload;
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
 * ({@link WorkloadResult#medianLine}). {@code flowmesh bench all} ({@link BenchAllCommand}) runs every
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
        try (BenchSession session = new BenchSession(cli.env, options, cli.err)) {
            WorkloadResult result = session.run(workload, records != null ? records : workload.defaultRecords(), checkpointMillis, runs);
            cli.out.println(result.medianLine());
            return result.ok() ? 0 : 2;
        }
    }
}
