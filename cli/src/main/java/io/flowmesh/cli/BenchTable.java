package io.flowmesh.cli;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The table {@code flowmesh bench all} prints: one row per workload with N, the median, min and max
 * records/s of its runs, the Flink figure of {@code BENCHMARKS.md} and the ratio median / Flink, and
 * whether each run passed its checks; then the latency percentiles of the median latency run beside
 * Flink's. Pure formatting and arithmetic, no I/O.
 *
 * <p>The median of R values is the one at index R / 2 of them sorted ascending: for records/s that
 * is the median run by seconds as {@link WorkloadResult#median} picks it (for an even R the faster
 * of the two middle runs).
 */
final class BenchTable {

    /** Apache Flink 2.2.1's latency in {@code BENCHMARKS.md}, default buffer timeout (100 ms). */
    static final Latency FLINK_LATENCY_100MS = new Latency(6.7, 14.2, 14.6, 25);
    /** The same with buffer timeout 1 ms. */
    static final Latency FLINK_LATENCY_1MS = new Latency(0.52, 1.07, 2.6, 15);

    private static final String ROW = "%-20s %13s %13s %10s %10s %12s %6s  %s";
    private static final String LATENCY_ROW = "%-38s %8s %8s %8s %8s";

    private BenchTable() {
    }

    /**
     * One workload's runs.
     *
     * @param recordsPerSecond every run's records/s, in the order they ran
     * @param ok               every run's checks, in the same order
     * @param flinkRecordsPerSecond Flink's figure; 0 when there is none (latency)
     * @param error            why the workload did not complete (then the arrays are empty), or null
     */
    record Row(String name, long n, double[] recordsPerSecond, boolean[] ok, double flinkRecordsPerSecond, String error) {

        static Row failed(String name, long n, double flinkRecordsPerSecond, String error) {
            return new Row(name, n, new double[0], new boolean[0], flinkRecordsPerSecond, error);
        }

        double median() {
            double[] sorted = recordsPerSecond.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }

        double min() {
            return Arrays.stream(recordsPerSecond).min().orElseThrow();
        }

        double max() {
            return Arrays.stream(recordsPerSecond).max().orElseThrow();
        }

        /** median / Flink's figure; NaN without a Flink figure. */
        double ratio() {
            return flinkRecordsPerSecond > 0 ? median() / flinkRecordsPerSecond : Double.NaN;
        }

        /** Every run passed, and the workload completed. */
        boolean allOk() {
            if (error != null || ok.length == 0) {
                return false;
            }
            for (boolean b : ok) {
                if (!b) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Latency percentiles and maximum in milliseconds. */
    record Latency(double p50, double p99, double p999, double max) {}

    /** The machine line: cores, JDK version, date. */
    record Machine(int cores, String jdk, LocalDate date) {
        static Machine current() {
            return new Machine(Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), LocalDate.now());
        }
    }

    /**
     * The whole table.
     *
     * @param setup   the line describing the runs (runs per workload, parallelism, cluster shape)
     * @param latency the median latency run's figures, or null when the latency workload did not complete
     */
    static String format(Machine machine, String setup, List<Row> rows, Latency latency) {
        List<String> lines = new ArrayList<>();
        lines.add(setup);
        lines.add(String.format(Locale.ROOT, "machine: %d cores, JDK %s, %s", machine.cores(), machine.jdk(), machine.date()));
        lines.add("");
        lines.add(String.format(Locale.ROOT, ROW, "workload", "N", "median rec/s", "min rec/s", "max rec/s", "Flink rec/s", "ratio",
                "ok (every run)"));
        for (Row r : rows) {
            String flink = r.flinkRecordsPerSecond() > 0 ? millions(r.flinkRecordsPerSecond()) : "-";
            if (r.error() != null) {
                lines.add(String.format(Locale.ROOT, ROW, r.name(), grouped(r.n()), "-", "-", "-", flink, "-", "error: " + r.error()));
            } else {
                lines.add(String.format(Locale.ROOT, ROW, r.name(), grouped(r.n()), millions(r.median()), millions(r.min()),
                        millions(r.max()), flink, Double.isNaN(r.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", r.ratio()),
                        okColumn(r.ok())));
            }
        }
        if (latency != null) {
            lines.add("");
            lines.add(String.format(Locale.ROOT, LATENCY_ROW, "latency, ms (median run by p99)", "p50", "p99", "p99.9", "max"));
            lines.add(latencyRow("  Flowmesh", latency));
            lines.add(latencyRow("  Flink 2.2.1, buffer timeout 100 ms", FLINK_LATENCY_100MS));
            lines.add(latencyRow("  Flink 2.2.1, buffer timeout 1 ms", FLINK_LATENCY_1MS));
            Latency f = FLINK_LATENCY_100MS;
            lines.add(String.format(Locale.ROOT, LATENCY_ROW, "  Flowmesh / Flink (100 ms)", ratio(latency.p50(), f.p50()),
                    ratio(latency.p99(), f.p99()), ratio(latency.p999(), f.p999()), ratio(latency.max(), f.max())));
        }
        lines.add("");
        lines.add("rec/s: N / seconds from submission to FINISHED (latency: the rate achieved); median run by seconds; "
                + "ratio: median / Flink (BENCHMARKS.md, Apache Flink 2.2.1)");
        return String.join("\n", lines) + "\n";
    }

    /** {@code 10.53 M}: records/s in millions, 2 decimals. */
    static String millions(double recordsPerSecond) {
        return String.format(Locale.ROOT, "%.2f M", recordsPerSecond / 1e6);
    }

    /** {@code ok ok FAIL}: each run's checks in the order they ran. */
    static String okColumn(boolean[] ok) {
        List<String> words = new ArrayList<>();
        for (boolean b : ok) {
            words.add(b ? "ok" : "FAIL");
        }
        return String.join(" ", words);
    }

    private static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String latencyRow(String name, Latency l) {
        return String.format(Locale.ROOT, LATENCY_ROW, name, ms(l.p50()), ms(l.p99()), ms(l.p999()), ms(l.max()));
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.3f", millis);
    }

    private static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2f", a / b);
    }
}
