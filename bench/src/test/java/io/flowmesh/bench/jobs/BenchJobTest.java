package io.flowmesh.bench.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.api.environment.StreamExecutionEnvironment;
import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.bench.results.Correctness;
import io.flowmesh.bench.results.LatencyResult;
import io.flowmesh.bench.results.Summary;
import io.flowmesh.bench.results.Workload;
import io.flowmesh.engine.local.LocalExecutor;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The workload jobs run in process (LocalExecutor), their summaries checked by the plain loops. */
class BenchJobTest {

    /** Keeps the summaries in this JVM, by run id. */
    static final class Collecting implements SummaryPublisher {
        static final Map<String, ConcurrentLinkedQueue<Summary>> RUNS = new ConcurrentHashMap<>();

        @Override
        public void publish(RuntimeContext context, String runId, Summary summary) {
            RUNS.computeIfAbsent(runId, k -> new ConcurrentLinkedQueue<>()).add(summary);
        }
    }

    private static List<Summary> run(int parallelism, String... args) throws Exception {
        String runId = UUID.randomUUID().toString();
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--run-id", runId))
                .toArray(String[]::new);
        StreamExecutionEnvironment.setContextExecutor(new LocalExecutor(), Map.of());
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
            BenchJob.build(env, BenchJob.Options.parse(all), new Collecting());
            env.execute("bench test");
        } finally {
            StreamExecutionEnvironment.clearContextExecutor();
        }
        return List.copyOf(Collecting.RUNS.remove(runId));
    }

    @ParameterizedTest
    @CsvSource({"W1, 1, 100000", "W1, 2, 99999", "W2, 2, 123457", "W2, 3, 50000", "W3, 2, 100001", "W3, 1, 999"})
    void eachWorkloadGivesTheExpectedValues(String workload, int parallelism, long n) throws Exception {
        List<Summary> summaries = run(parallelism, "--workload", workload, "--n", Long.toString(n));
        assertThat(summaries).hasSize(parallelism);
        Correctness c = Correctness.of(Workload.parse(workload), n, summaries);
        assertThat(c.mismatches()).isEmpty();
        assertThat(c.ok()).isTrue();
    }

    @Test
    void theLatencyJobMeasuresEveryRecordAfterTheWarmUp() throws Exception {
        List<Summary> summaries = run(2, "--workload", "latency", "--rate", "20000", "--seconds", "1", "--warmup-seconds", "0");
        LatencyResult r = LatencyResult.of(summaries);
        assertThat(r.records()).isEqualTo(20_000);
        assertThat(r.measured()).isEqualTo(20_000);
        assertThat(r.histogram().max()).isPositive();
        assertThat(r.achievedRate()).isPositive();
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> BenchJob.Options.parse(new String[] {"--workload", "W9", "--run-id", "x"})).hasMessageContaining("W9");
        assertThatThrownBy(() -> BenchJob.Options.parse(new String[] {"--workload", "W1"})).hasMessageContaining("--run-id");
        assertThat(BenchJob.Options.parse(new String[] {"--workload", "w2", "--run-id", "x"}).records()).isEqualTo(100_000_000);
        assertThat(BenchJob.Options.parse(new String[] {"--workload", "latency", "--run-id", "x", "--rate", "1000", "--seconds", "3"})
                .records()).isEqualTo(3000);
    }
}
