package io.flowmesh.cli;

import io.flowmesh.bench.results.BenchmarkReport;
import io.flowmesh.bench.results.Correctness;
import io.flowmesh.bench.results.JsonLine;
import io.flowmesh.bench.results.LatencyResult;
import io.flowmesh.bench.results.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The R runs of one workload ({@link BenchSession#run}) and their JSON lines: {@link #runLine} is
 * one run's line as {@code flowmesh bench <workload>} prints it for one run; {@link #medianLine} is
 * what it prints for R runs: the median run's figures, {@code ok} only if every run passed, and
 * (R > 1) {@code runs} and every run's {@code seconds_all}. The median run is the one at index
 * (R − 1) / 2 of the runs sorted by seconds (latency: by p99), so for an even R the faster of the two
 * middle ones.
 *
 * @param n        the workload's N (latency: rate × seconds)
 * @param extras   the fields after BENCHMARKS.md's that every run's line has (cluster shape, checkpoint_ms, ...)
 * @param runs     in the order they ran
 */
record WorkloadResult(Workload workload, String engine, long n, int parallelism, double rate, Map<String, Object> extras,
        List<RunResult> runs) {

    /**
     * One run: its job, seconds by the lifecycle events, whether its checks passed, and either its
     * correctness fields (throughput workloads) or its latency figures.
     *
     * @param runExtras fields of this run only (W5's recovery timings)
     */
    record RunResult(String jobId, double seconds, boolean ok, Correctness correctness, LatencyResult latency,
            Map<String, Object> runExtras) {

        /** Records per second: N / seconds, or for latency the rate the measured records were created at. */
        double recordsPerSecond(long n) {
            return latency != null ? latency.achievedRate() : n / seconds;
        }
    }

    WorkloadResult {
        extras = new LinkedHashMap<>(extras);
        runs = List.copyOf(runs);
    }

    boolean ok() {
        return runs.stream().allMatch(RunResult::ok);
    }

    RunResult median() {
        List<RunResult> sorted = new ArrayList<>(runs);
        sorted.sort(workload == Workload.LATENCY ? Comparator.comparingDouble(r -> r.latency().millisAt(0.99))
                : Comparator.comparingDouble(RunResult::seconds));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** Every run's records/s, in the order they ran. */
    double[] recordsPerSecond() {
        return runs.stream().mapToDouble(r -> r.recordsPerSecond(n)).toArray();
    }

    String runLine(RunResult run) {
        Map<String, Object> all = new LinkedHashMap<>(extras);
        all.putAll(run.runExtras());
        return line(run, run.ok(), all);
    }

    String medianLine() {
        RunResult median = median();
        Map<String, Object> all = new LinkedHashMap<>(extras);
        all.putAll(median.runExtras());
        if (runs.size() > 1) {
            all.put("runs", runs.size());
            all.put("seconds_all", runs.stream().mapToDouble(RunResult::seconds).toArray());
        }
        return line(median, ok(), all);
    }

    /**
     * The line of {@code bench <workload> --checkpoint-ms T --compare}: the median run without and
     * with checkpoints (as {@link #median}) and {@code ratio} = median seconds without / median
     * seconds with, the throughput with checkpoints as a share of that without (1.000: they cost
     * nothing); {@code ok} only if every run of both passed.
     */
    static String comparisonLine(WorkloadResult without, WorkloadResult with) {
        double secondsWithout = without.median().seconds();
        double secondsWith = with.median().seconds();
        JsonLine line = new JsonLine()
                .add("workload", with.workload.label())
                .add("engine", with.engine)
                .add("records", with.n)
                .add("compare", "checkpoints")
                .add("pairs", (long) Math.min(without.runs.size(), with.runs.size()))
                .add(BenchmarkReport.CHECKPOINT_MS, ((Number) with.extras.getOrDefault(BenchmarkReport.CHECKPOINT_MS, 0L)).longValue())
                .add("seconds_without", secondsWithout, 3)
                .add("seconds_with", secondsWith, 3)
                .add("ratio", secondsWithout / secondsWith, 3)
                .add("seconds_all_without", without.runs.stream().mapToDouble(RunResult::seconds).toArray(), 3)
                .add("seconds_all_with", with.runs.stream().mapToDouble(RunResult::seconds).toArray(), 3)
                .add("ok", without.ok() && with.ok())
                .add("parallelism", with.parallelism);
        with.extras.forEach((k, v) -> {
            if (!k.equals(BenchmarkReport.CHECKPOINT_MS) && v instanceof Number n) {
                line.add(k, n.longValue());
            }
        });
        return line.toString();
    }

    private String line(RunResult run, boolean ok, Map<String, Object> fields) {
        return workload == Workload.LATENCY
                ? BenchmarkReport.latency(engine, n, run.seconds(), rate, run.latency(), ok, parallelism, fields)
                : BenchmarkReport.throughput(workload, engine, n, run.seconds(), run.correctness(), ok, parallelism, fields);
    }
}
