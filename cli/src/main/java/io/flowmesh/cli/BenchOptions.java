package io.flowmesh.cli;

import io.flowmesh.local.LocalClusterOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options {@code flowmesh bench <workload>} and {@code flowmesh bench all} share (a picocli
 * mixin): the job's parallelism, the shape of the cluster started when none runs, the job jar, and
 * the latency workload's generator. {@link #validate()} turns bad values into usage errors (exit 2).
 */
final class BenchOptions {

    @Option(names = {"-p", "--parallelism"}, paramLabel = "<n>", defaultValue = "2", description = "Parallelism of the job.")
    int parallelism;

    @Option(names = "--taskmanagers", paramLabel = "<n>", defaultValue = "" + LocalClusterOptions.DEFAULT_TASKMANAGERS,
            description = "TaskManagers of the cluster started when none runs.")
    int taskManagers;

    @Option(names = "--slots", paramLabel = "<n>", defaultValue = "" + LocalClusterOptions.DEFAULT_SLOTS,
            description = "Slots per TaskManager of the cluster started when none runs.")
    int slots;

    @Option(names = "--rate", paramLabel = "<records/s>", defaultValue = "200000", description = "latency: total generator rate.")
    double rate;

    @Option(names = "--seconds", paramLabel = "<s>", defaultValue = "60", description = "latency: how long the generator runs.")
    long seconds;

    @Option(names = "--warmup-seconds", paramLabel = "<s>", defaultValue = "10",
            description = "latency: records created in the first seconds are not measured.")
    long warmupSeconds;

    @Option(names = "--jar", paramLabel = "<jar>", description = "The benchmark job jar. Default: <flowmesh home>/" + BenchSession.BENCH_JAR + ".")
    Path jar;

    @Option(names = "-D", paramLabel = "<key=value>", mapFallbackValue = "",
            description = "A configuration key of the benchmark job (e.g. -Dflowmesh.input.max-watermark-drift=1s); repeatable; "
                    + "the benchmark's own keys (checkpoint interval, W5's restart strategy) take precedence.")
    java.util.Map<String, String> configuration = new java.util.LinkedHashMap<>();

    @Option(names = "--kill", paramLabel = "<role>", defaultValue = "taskmanager",
            description = "W5: what to kill -9 mid-run: taskmanager (default), or with high availability the leading jobmanager, "
                    + "dispatcher or coordinator (the benchmark then starts its cluster with --ha).")
    String kill;

    /** Whether W5 kills an HA leader (and so needs a cluster with high availability). */
    boolean killsLeader() {
        return kill.equals("jobmanager") || kill.equals("coordinator") || kill.equals("dispatcher");
    }

    /** The latency workload's N: every record the generator emits. */
    long latencyRecords() {
        return (long) (rate * seconds);
    }

    /** @param latency whether the latency workload runs (its generator options are checked only then) */
    void validate(boolean latency) {
        if (parallelism < 1) {
            throw new CliException("--parallelism must be >= 1, was " + parallelism, 2);
        }
        if (!kill.equals("taskmanager") && !killsLeader()) {
            throw new CliException("--kill must be taskmanager, jobmanager, dispatcher or coordinator, was " + kill, 2);
        }
        if (taskManagers < 1 || slots < 1) {
            throw new CliException("--taskmanagers and --slots must be >= 1", 2);
        }
        if (latency && (rate <= 0 || seconds < 1 || warmupSeconds < 0 || warmupSeconds >= seconds)) {
            throw new CliException("latency needs --rate > 0, --seconds >= 1 and 0 <= --warmup-seconds < --seconds", 2);
        }
    }

    /** The checks of {@code --runs} and {@code --n} (null: not given) both bench commands have. */
    static void validateRunsAndRecords(int runs, Long records) {
        if (runs < 1) {
            throw new CliException("--runs must be >= 1, was " + runs, 2);
        }
        if (records != null && records < 1) {
            throw new CliException("--n must be >= 1, was " + records, 2);
        }
    }
}
