package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowmesh.local.ManagedProcess;
import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.JobIdRequest;
import io.flowmesh.proto.JobStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring bundle of {@code k8s/monitoring/} against a real Prometheus (Debian's package,
 * installed here with {@code apt-get} when missing) scraping a real local cluster that runs an
 * unbounded Kafka job: the alert rules pass {@code promtool check rules} (also as the Kubernetes
 * PrometheusRule) and evaluate without errors, every PromQL query of every dashboard panel returns
 * data, the job's records counted by the sink operator equal the records the test wrote, and the
 * cluster gauges have their exact values. When the job is cancelled its subtasks' series leave the
 * TaskManagers' scrape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsPrometheusIT {
    private static final int RECORDS = 20_000;
    private static final String JOB_NAME = "Unbounded Kafka count example";
    private static final String EXAMPLE_CLASS = "io.flowmesh.examples.UnboundedKafkaCountExample";
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();
    private Path bundle;
    private TestCluster cluster;
    private DispatcherClient client;
    private Process prometheus;
    private String prometheusUrl;

    @BeforeAll
    void setUp() throws Exception {
        installPrometheusIfMissing();
        bundle = TestCluster.home().resolve("k8s/monitoring");
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            stopPrometheus();
        } finally {
            try {
                if (client != null) {
                    client.close();
                }
            } finally {
                if (cluster != null) {
                    cluster.close();
                }
            }
        }
    }

    /**
     * {@code apt-get install -y prometheus} (we run as root), with a {@code policy-rc.d} that keeps the
     * package from starting a system service; the test starts its own Prometheus. Fails, never skips,
     * when that does not work.
     */
    private static void installPrometheusIfMissing() throws Exception {
        if (Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL)) {
            return;
        }
        Path policy = Path.of("/usr/sbin/policy-rc.d");
        boolean ownPolicy = !Files.exists(policy);
        try {
            if (ownPolicy) {
                Files.writeString(policy, "#!/bin/sh\n# written by MetricsPrometheusIT: no service starts during its apt-get\nexit 101\n");
                policy.toFile().setExecutable(true);
            }
            run(Duration.ofMinutes(5), "apt-get", "update");
            run(Duration.ofMinutes(5), "apt-get", "install", "-y", "--no-install-recommends", "prometheus");
        } catch (IOException | AssertionError e) {
            throw new AssertionError("this test needs Prometheus (" + PROMETHEUS + ", " + PROMTOOL + ") and could not install the Debian "
                    + "package `prometheus` with apt-get: " + e.getMessage(), e);
        } finally {
            if (ownPolicy) {
                Files.deleteIfExists(policy);
            }
        }
        assertThat(PROMETHEUS).as("installed by apt-get install prometheus").isExecutable();
        assertThat(PROMTOOL).as("installed by apt-get install prometheus").isExecutable();
    }

    /** Runs a command to its end; its output when it exits 0, else an AssertionError with the output. */
    private static String run(Duration timeout, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        try {
            // read while it runs: a full pipe would block it
            java.util.concurrent.CompletableFuture<String> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(output unreadable: " + e + ")";
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("`" + String.join(" ", command) + "` did not end within " + timeout);
            }
            String output = out.get(10, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                throw new AssertionError("`" + String.join(" ", command) + "` exited with " + p.exitValue() + ":\n" + tail(output));
            }
            return output;
        } finally {
            p.destroyForcibly();
        }
    }

    private static String tail(String s) {
        return s.length() <= 3000 ? s : "..." + s.substring(s.length() - 3000);
    }

    @Test
    void aRealPrometheusScrapesTheClusterAndEveryPanelAndRuleWorks() throws Exception {
        // the bundle's files, checked by Prometheus' own tool
        Path rules = bundle.resolve("prometheus/flowmesh-alerts.yml");
        assertThat(run(Duration.ofSeconds(30), PROMTOOL.toString(), "check", "rules", rules.toString())).contains("SUCCESS");
        Path crdSpec = tmp.resolve("prometheus-rule-spec.yml");
        Files.writeString(crdSpec, specOfPrometheusRule(bundle.resolve("kubernetes/prometheus-rule.yaml")));
        assertThat(Files.readString(crdSpec)).as("kubernetes/prometheus-rule.yaml holds the rules of prometheus/flowmesh-alerts.yml")
                .isEqualTo(withoutComments(Files.readString(rules)));
        assertThat(run(Duration.ofSeconds(30), PROMTOOL.toString(), "check", "rules", crdSpec.toString())).contains("SUCCESS");
        assertThat(run(Duration.ofSeconds(30), PROMTOOL.toString(), "check", "config", bundle.resolve("prometheus/prometheus-local.yml").toString()))
                .contains("SUCCESS");

        cluster = TestCluster.start("metrics-prometheus-it");
        client = new DispatcherClient(cluster.dispatcher());
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String in = "watch-in-" + suffix;
        String out = "watch-out-" + suffix;
        CountJob.prepare(cluster.kafka(), RECORDS, in, out);
        startPrometheus(rules);

        Artifact artifact = client.upload(cluster.home.resolve("examples/target/flowmesh-examples.jar"));
        String jobId = client.submit(artifact.getUri(), EXAMPLE_CLASS, 2, List.of("--in", in, "--out", out, "--checkpoint-ms", "1000"))
                .getJobId();
        client.awaitStatus(jobId, JobStatus.RUNNING, Duration.ofSeconds(60));

        // every record the test wrote reached the sink, counted once: the sum over the sink's subtasks
        String sink = "job_id=\"" + jobId + "\",operator_name=\"Kafka: " + out + "\"";
        String source = "job_id=\"" + jobId + "\",operator_name=\"Source: Kafka: " + in + "\"";
        awaitValue("sum(flink_taskmanager_job_task_operator_numRecordsIn{" + sink + "})", v -> v >= RECORDS, Duration.ofSeconds(60));
        assertThat(value("sum(flink_taskmanager_job_task_operator_numRecordsIn{" + sink + "})")).isEqualTo(RECORDS);
        assertThat(value("count(flink_taskmanager_job_task_operator_numRecordsIn{" + sink + "})")).as("one series per sink subtask").isEqualTo(2);
        assertThat(value("sum(flink_taskmanager_job_task_operator_numRecordsOut{" + source + "})")).isEqualTo(RECORDS);
        assertThat(value("sum(flink_taskmanager_job_task_operator_numRecordsIn{job_id=\"" + jobId + "\",operator_name=\"Running count\"})"))
                .isEqualTo(RECORDS);
        awaitValue("sum(flink_taskmanager_job_task_operator_pendingRecords{" + source + "})", v -> v == 0, Duration.ofSeconds(30));
        awaitValue("min(flink_jobmanager_job_numberOfCompletedCheckpoints{job_id=\"" + jobId + "\"})", v -> v >= 2, Duration.ofSeconds(60));

        // the cluster as the JobManager and the TaskManagers report it: 2 TaskManagers of 2 slots, one job of parallelism 2
        assertThat(value("flink_jobmanager_numRegisteredTaskManagers")).isEqualTo(2);
        assertThat(value("flink_jobmanager_taskSlotsTotal")).isEqualTo(4);
        assertThat(value("flink_jobmanager_taskSlotsAvailable")).isEqualTo(2);
        assertThat(value("flink_jobmanager_numRunningJobs")).isEqualTo(1);
        assertThat(value("sum(flink_taskmanager_Status_taskSlotsTotal)")).isEqualTo(4);
        awaitValue("sum(flink_taskmanager_Status_taskSlotsAvailable)", v -> v == 2, Duration.ofSeconds(10));
        assertThat(value("flink_jobmanager_job_numRestarts{job_id=\"" + jobId + "\"}")).isZero();

        // every query of every dashboard panel returns data (the job selector set to all jobs)
        List<String> failing = new ArrayList<>();
        Map<String, String> queries = dashboardQueries(bundle.resolve("grafana/flowmesh-dashboard.json"));
        assertThat(queries).hasSizeGreaterThanOrEqualTo(20);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            while (query(q.getValue()).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            if (query(q.getValue()).isEmpty()) {
                failing.add(q.getKey() + ": " + q.getValue());
            }
        }
        assertThat(failing).as("dashboard queries without data").isEmpty();

        // the alert rules load and evaluate without errors; none fires for this healthy job
        awaitRulesEvaluated();
        JsonNode groups = get("/api/v1/rules").path("data").path("groups");
        List<String> unhealthy = new ArrayList<>();
        int ruleCount = 0;
        for (JsonNode g : groups) {
            for (JsonNode r : g.path("rules")) {
                ruleCount++;
                if (!"ok".equals(r.path("health").asText())) {
                    unhealthy.add(r.path("name").asText() + ": " + r.path("health").asText() + " " + r.path("lastError").asText());
                }
                if (r.path("name").asText().matches("FlowmeshJobRestarting.*|FlowmeshCheckpointsFailing|FlowmeshSustainedBackpressure")) {
                    assertThat(r.path("state").asText()).as(r.path("name").asText()).isEqualTo("inactive");
                }
            }
        }
        assertThat(ruleCount).isEqualTo(8);
        assertThat(unhealthy).isEmpty();

        // cancelled: the subtasks' series leave the TaskManagers' scrape
        client.stub().cancelJob(JobIdRequest.newBuilder().setJobId(jobId).build());
        client.awaitTerminal(jobId, Duration.ofSeconds(60));
        for (String tm : taskManagerAddresses()) {
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (scrape(tm).contains(jobId) && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            assertThat(scrape(tm)).as("the scrape of TaskManager " + tm + " after the job was cancelled").doesNotContain(jobId);
        }
    }

    // --- the bundle's files

    /** The {@code spec} of a PrometheusRule manifest, un-indented: a rules file. */
    private static String specOfPrometheusRule(Path manifest) throws IOException {
        List<String> lines = Files.readAllLines(manifest);
        int spec = lines.indexOf("spec:");
        assertThat(spec).as("a spec: line in " + manifest).isPositive();
        return lines.subList(spec + 1, lines.size()).stream().map(l -> l.startsWith("  ") ? l.substring(2) : l)
                .collect(Collectors.joining("\n")) + "\n";
    }

    private static String withoutComments(String rulesFile) {
        return rulesFile.lines().filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n")) + "\n";
    }

    /** "panel title [refId]" → PromQL, with the dashboard's variables set as "all jobs" and a 1 m rate interval. */
    private static Map<String, String> dashboardQueries(Path dashboard) throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : JSON.readTree(dashboard.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText().replace("$job_name", ".*").replace("${job_name}", ".*")
                        .replace("$__rate_interval", "1m");
                assertThat(expr).as(panel.path("title").asText()).doesNotContain("$");
                queries.put(panel.path("title").asText() + " [" + target.path("refId").asText() + "]", expr);
            }
        }
        return queries;
    }

    // --- Prometheus

    private void startPrometheus(Path rules) throws Exception {
        int port = TestCluster.freePortBlock(1);
        prometheusUrl = "http://127.0.0.1:" + port;
        Map<String, List<String>> targets = new LinkedHashMap<>();
        for (ManagedProcess p : cluster.processes()) {
            String role = p.role().startsWith("taskmanager") ? "taskmanager" : p.role();
            String address = p.addresses().get(ManagedProcess.HTTP);
            if (address != null && List.of("dispatcher", "jobmanager", "coordinator", "taskmanager").contains(role)) {
                targets.computeIfAbsent(role, r -> new ArrayList<>()).add(URI.create(address).getAuthority());
            }
        }
        assertThat(targets.keySet()).containsExactlyInAnyOrder("dispatcher", "jobmanager", "coordinator", "taskmanager");
        StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - " + rules
                + "\nscrape_configs:\n");
        targets.forEach((role, addresses) -> config.append("  - job_name: flowmesh-").append(role).append("\n    metrics_path: /q/metrics\n")
                .append("    static_configs:\n      - targets: [").append(addresses.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(", ")))
                .append("]\n"));
        Path configFile = tmp.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        Path log = tmp.resolve("prometheus.log");
        prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + configFile, "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            assertThat(prometheus.isAlive()).as("prometheus is running; its log:\n" + Files.readString(log)).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as("prometheus ready within 30 s; its log:\n" + Files.readString(log)).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Stops our Prometheus by its PID. */
    private void stopPrometheus() throws InterruptedException {
        if (prometheus != null && prometheus.isAlive()) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private JsonNode get(String pathAndQuery) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asText()).as(pathAndQuery + " → " + r.body()).isEqualTo("success");
        return body;
    }

    /** The instant vector of {@code promql} now. */
    private JsonNode query(String promql) throws Exception {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("data").path("result");
    }

    /**
     * The single value of {@code promql}; fails when the result is not exactly one sample. An empty
     * result is asked again for up to 10 s: a scrape that misses its 1 s timeout on the loaded
     * 2-core machine marks every series of that target stale until the next one (CI once saw
     * {@code flink_jobmanager_numRegisteredTaskManagers → []} right after the job's other series).
     */
    private double value(String promql) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode result = query(promql);
        while (result.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            result = query(promql);
        }
        assertThat(result).as(promql + " → " + result).hasSize(1);
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private void awaitValue(String promql, Predicate<Double> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = query(promql);
            if (last.size() == 1 && condition.test(Double.parseDouble(last.get(0).path("value").get(1).asText()))) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not within " + timeout + ": " + promql + " (last result " + last + ")");
    }

    private void awaitRulesEvaluated() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (JsonNode g : get("/api/v1/rules").path("data").path("groups")) {
                for (JsonNode r : g.path("rules")) {
                    all &= !r.path("lastEvaluation").asText().startsWith("0001-");
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(500);
        }
    }

    // --- the TaskManagers, directly

    private List<String> taskManagerAddresses() {
        return cluster.processes().stream().filter(p -> p.role().startsWith("taskmanager")).map(p -> p.addresses().get(ManagedProcess.HTTP))
                .toList();
    }

    private String scrape(String httpAddress) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(httpAddress + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
