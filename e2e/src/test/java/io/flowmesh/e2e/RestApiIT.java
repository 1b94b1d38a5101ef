package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Flink's REST API on the dispatcher's port, against one real local cluster shared by every test:
 * jobs submitted through {@code /jars/upload} and {@code /jars/:jarid/run}, a finished, a failed and
 * two running jobs; each endpoint's field names and JSON types are checked against Flink's
 * documented REST API (the schemas of Flink's {@code rest_v1_dispatcher.yml}, written here from the
 * documentation, not from our code). Savepoint trigger + poll gives a location whose
 * {@code _metadata} is in the S3 server's storage; stop with savepoint finishes a job; PATCH
 * {@code mode=cancel} cancels one. The served OpenAPI document must equal
 * {@code docs/rest-api.openapi.yaml}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEX32 = "[0-9a-f]{32}";

    /** JSON types of Flink's schemas: s string, i integer, n number, b boolean, o object, a array; a trailing ? allows null. */
    private static final Map<String, String> CLUSTER_OVERVIEW = fields("taskmanagers i", "slots-total i", "slots-available i",
            "slots-free-and-blocked i", "taskmanagers-blocked i", "jobs-running i", "jobs-finished i", "jobs-cancelled i", "jobs-failed i",
            "flink-version s", "flink-commit s");
    private static final Map<String, String> DASHBOARD_CONFIG = fields("refresh-interval i", "timezone-name s", "timezone-offset i",
            "flink-version s", "flink-revision s", "features o");
    private static final Map<String, String> FEATURES = fields("web-submit b", "web-cancel b", "web-rescale b", "web-history b");
    private static final Map<String, String> JOB_OVERVIEW = fields("jid s", "name s", "state s", "start-time i", "end-time i", "duration i",
            "last-modification i", "tasks o");
    private static final Map<String, String> JOB_DETAILS = fields("jid s", "name s", "isStoppable b", "state s", "start-time i", "end-time i",
            "duration i", "maxParallelism i", "now i", "timestamps o", "vertices a", "status-counts o", "plan o");
    private static final Map<String, String> JOB_VERTEX = fields("id s", "name s", "maxParallelism i", "parallelism i", "status s",
            "start-time i", "end-time i", "duration i", "tasks o", "metrics o");
    private static final Map<String, String> IO_METRICS = fields("read-bytes i", "read-bytes-complete b", "write-bytes i",
            "write-bytes-complete b", "read-records i", "read-records-complete b", "write-records i", "write-records-complete b",
            "accumulated-backpressured-time i", "accumulated-idle-time i", "accumulated-busy-time n");
    private static final List<String> EXECUTION_STATES = List.of("CREATED", "SCHEDULED", "DEPLOYING", "RUNNING", "FINISHED", "CANCELING",
            "CANCELED", "FAILED", "RECONCILING", "INITIALIZING");
    private static final List<String> JOB_STATES = List.of("INITIALIZING", "CREATED", "RUNNING", "FAILING", "FAILED", "CANCELLING", "CANCELED",
            "FINISHED", "RESTARTING", "SUSPENDED", "RECONCILING");
    private static final Map<String, String> CHECKPOINT_COUNTS = fields("restored i", "total i", "in_progress i", "completed i", "failed i");
    private static final Map<String, String> STATS_SUMMARY = fields("min i", "max i", "avg i", "p50 n", "p90 n", "p95 n", "p99 n", "p999 n");
    private static final Map<String, String> CHECKPOINT_STATISTICS = fields("className s", "id i", "status s", "is_savepoint b",
            "trigger_timestamp i", "latest_ack_timestamp i", "checkpointed_size i", "state_size i", "end_to_end_duration i",
            "alignment_buffered i", "processed_data i", "persisted_data i", "num_subtasks i", "num_acknowledged_subtasks i",
            "checkpoint_type s", "tasks o");
    private static final Map<String, String> CHECKPOINT_CONFIG = fields("mode s", "interval i", "timeout i", "min_pause i", "max_concurrent i",
            "externalization o", "state_backend s", "checkpoint_storage s", "unaligned_checkpoints b", "tolerable_failed_checkpoints i",
            "aligned_checkpoint_timeout i", "checkpoints_after_tasks_finish b", "state_changelog_enabled b");
    private static final Map<String, String> VERTEX_DETAILS = fields("id s", "name s", "parallelism i", "maxParallelism i", "now i",
            "subtasks a", "aggregated o");
    private static final Map<String, String> SUBTASK = fields("subtask i", "status s", "attempt i", "host s", "start-time i", "end-time i",
            "duration i", "metrics o", "taskmanager-id s", "status-duration o");
    private static final Map<String, String> TASK_MANAGER = fields("id s", "path s", "dataPort i", "jmxPort i", "timeSinceLastHeartbeat i",
            "slotsNumber i", "freeSlots i", "totalResource o", "freeResource o", "hardware o", "memoryConfiguration o");
    private static final Map<String, String> EXCEPTIONS = fields("root-exception s?", "timestamp i?", "all-exceptions a", "truncated b",
            "exceptionHistory o");
    private static final Map<String, String> ROOT_EXCEPTION = fields("exceptionName s", "stacktrace s", "timestamp i", "taskName s?",
            "location s?", "taskManagerId s?", "failureLabels o", "concurrentExceptions a");

    private TestCluster cluster;
    private HttpClient http;
    private String base;
    private String jarId;
    private String finishedJob;
    private String failedJob;
    private String runningJob;
    private String cancelJob;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start("rest-api-it");
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();
        base = "http://" + cluster.dispatcher();
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    record Reply(int status, JsonNode body, String text) {}

    private Reply send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json") && !r.body().isEmpty()) {
            body = JSON.readTree(r.body());
        }
        return new Reply(r.statusCode(), body, r.body());
    }

    private JsonNode get(String path) throws Exception {
        Reply r = send("GET", path, null);
        assertThat(r.status()).as("GET " + path + ": " + r.text()).isEqualTo(200);
        return r.body();
    }

    private static Map<String, String> fields(String... specs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : specs) {
            int space = s.lastIndexOf(' ');
            m.put(s.substring(0, space), s.substring(space + 1));
        }
        return m;
    }

    /** Every field of {@code expected} is present with its JSON type. */
    private static void assertFields(String what, JsonNode node, Map<String, String> expected) {
        assertThat(node).as(what).isNotNull();
        assertThat(node.isObject()).as(what + " is an object: " + node).isTrue();
        expected.forEach((name, type) -> {
            JsonNode v = node.get(name);
            assertThat(v).as(what + "." + name + " in " + node).isNotNull();
            boolean nullable = type.endsWith("?");
            if (nullable && v.isNull()) {
                return;
            }
            boolean ok = switch (type.replace("?", "")) {
                case "s" -> v.isTextual();
                case "i" -> v.isIntegralNumber();
                case "n" -> v.isNumber();
                case "b" -> v.isBoolean();
                case "o" -> v.isObject();
                case "a" -> v.isArray();
                default -> throw new IllegalArgumentException(type);
            };
            assertThat(ok).as(what + "." + name + " should be of type " + type + " but is " + v).isTrue();
        });
    }

    private static void assertError(Reply r, int status, String contains) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.body().get("errors").isArray()).isTrue();
        assertThat(r.body().get("errors").get(0).asText()).contains(contains);
    }

    private JsonNode await(String path, Predicate<JsonNode> condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last;
        while (true) {
            last = get(path);
            if (condition.test(last)) {
                return last;
            }
            assertThat(System.nanoTime()).as(what + "; last " + path + ": " + last).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private String runJar(String body) throws Exception {
        Reply r = send("POST", "/jars/" + jarId + "/run", body);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String jobId = r.body().get("jobid").asText();
        assertThat(jobId).matches(HEX32);
        return jobId;
    }

    private String state(String jobId) throws Exception {
        return get("/jobs/" + jobId).get("state").asText();
    }

    @Test
    @Order(1)
    void aJarUploadedAndRunRunsAJob() throws Exception {
        Path jar = cluster.home.resolve("examples/target/flowmesh-examples.jar");
        String boundary = "----flowmesh" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"flowmesh-examples.jar\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
        JsonNode uploaded = JSON.readTree(upload.body());
        assertFields("JarUploadResponseBody", uploaded, fields("filename s", "status s"));
        assertThat(uploaded.get("status").asText()).isEqualTo("success");
        String filename = uploaded.get("filename").asText();
        jarId = filename.substring(filename.lastIndexOf('/') + 1);
        assertThat(jarId).endsWith("_flowmesh-examples.jar");

        JsonNode list = get("/jars");
        assertFields("JarListInfo", list, fields("address s", "files a"));
        JsonNode file = list.get("files").get(0);
        assertFields("JarFileInfo", file, fields("id s", "name s", "uploaded i", "entry a"));
        assertThat(file.get("id").asText()).isEqualTo(jarId);
        assertThat(file.get("name").asText()).isEqualTo("flowmesh-examples.jar");

        finishedJob = runJar("{\"entryClass\":\"io.flowmesh.examples.KeyedCountExample\",\"parallelism\":1,"
                + "\"programArgsList\":[\"--records\",\"1000\",\"--topic\",\"rest-it-" + UUID.randomUUID().toString().substring(0, 8) + "\"]}");
        await("/jobs/" + finishedJob, j -> j.get("state").asText().equals("FINISHED"), Duration.ofSeconds(90), "the jar's job finishes");

        // query parameters, as Flink accepts them: the job throws at record 500 and fails (no restarts without checkpoints)
        Reply failing = send("POST", "/jars/" + jarId + "/run?entry-class=io.flowmesh.examples.KeyedCountExample&parallelism=1"
                + "&programArg=--records,1000,--fail-at,500,--topic,rest-it-fail", null);
        assertThat(failing.status()).as(failing.text()).isEqualTo(200);
        failedJob = failing.body().get("jobid").asText();
        await("/jobs/" + failedJob, j -> j.get("state").asText().equals("FAILED"), Duration.ofSeconds(90), "the failing job fails");

        assertError(send("POST", "/jars/" + jarId + "/run", "{\"entryClass\":\"no.such.Main\"}"), 400, "no.such.Main");
        assertError(send("POST", "/jars/nope_x.jar/run", "{}"), 400, "nope_x.jar");
    }

    @Test
    @Order(2)
    void twoStreamingJobsRunWithCheckpoints() throws Exception {
        String in = "rest-in-" + UUID.randomUUID().toString().substring(0, 8);
        CountJob.prepare(cluster.kafka(), 40_000, in, in + "-a", in + "-b");
        String args = "\"--in\",\"" + in + "\",\"--checkpoint-ms\",\"500\",\"--records-per-second\",\"200\",\"--out\",\"";
        String run = "{\"entryClass\":\"" + CountJob.EXAMPLE_CLASS + "\",\"parallelism\":2,\"programArgsList\":[" + args;
        runningJob = runJar(run + in + "-a\"]}");
        cancelJob = runJar(run + in + "-b\"]}");
        for (String job : List.of(runningJob, cancelJob)) {
            // two vertices of parallelism 2
            await("/jobs/" + job, j -> j.get("status-counts").get("RUNNING").asInt() == 4, Duration.ofSeconds(90),
                    "every subtask of " + job + " runs");
        }
        await("/jobs/" + runningJob + "/checkpoints", c -> c.get("counts").get("completed").asLong() >= 1, Duration.ofSeconds(60),
                "a completed checkpoint");
    }

    @Test
    @Order(3)
    void overviewConfigAndJobLists() throws Exception {
        JsonNode overview = get("/overview");
        assertFields("ClusterOverviewWithVersion", overview, CLUSTER_OVERVIEW);
        assertThat(overview.get("taskmanagers").asInt()).isEqualTo(2);
        assertThat(overview.get("slots-total").asInt()).isEqualTo(4);
        assertThat(overview.get("slots-available").asInt()).isEqualTo(0);
        assertThat(overview.get("jobs-running").asInt()).isEqualTo(2);
        assertThat(overview.get("jobs-finished").asInt()).isEqualTo(1);
        assertThat(overview.get("jobs-failed").asInt()).isEqualTo(1);
        assertThat(overview.get("jobs-cancelled").asInt()).isEqualTo(0);

        JsonNode config = get("/config");
        assertFields("DashboardConfiguration", config, DASHBOARD_CONFIG);
        assertFields("Features", config.get("features"), FEATURES);

        JsonNode jobs = get("/jobs");
        assertThat(jobs.get("jobs").isArray()).isTrue();
        Map<String, String> states = new LinkedHashMap<>();
        jobs.get("jobs").forEach(j -> {
            assertFields("JobIdWithStatus", j, fields("id s", "status s"));
            states.put(j.get("id").asText(), j.get("status").asText());
        });
        assertThat(states).containsEntry(finishedJob, "FINISHED").containsEntry(failedJob, "FAILED").containsEntry(runningJob, "RUNNING")
                .containsEntry(cancelJob, "RUNNING").hasSize(4);

        JsonNode overviews = get("/jobs/overview");
        assertThat(overviews.get("jobs")).hasSize(4);
        for (JsonNode j : overviews.get("jobs")) {
            assertFields("JobDetails", j, JOB_OVERVIEW);
            for (String state : EXECUTION_STATES) {
                assertThat(j.get("tasks").get(state.toLowerCase()).isIntegralNumber()).as(state).isTrue();
            }
            if (j.get("jid").asText().equals(runningJob)) {
                assertThat(j.get("end-time").asLong()).isEqualTo(-1);
                assertThat(j.get("tasks").get("running").asInt()).isEqualTo(j.get("tasks").get("total").asInt()).isPositive();
            }
            if (j.get("jid").asText().equals(finishedJob)) {
                assertThat(j.get("duration").asLong()).isEqualTo(j.get("end-time").asLong() - j.get("start-time").asLong());
            }
        }
        assertThat(get("/v1/jobs").get("jobs")).as("Flink's /v1 prefix").hasSize(4);
    }

    @Test
    @Order(4)
    void jobDetailsAndPlan() throws Exception {
        JsonNode job = get("/jobs/" + runningJob);
        assertFields("JobDetailsInfo", job, JOB_DETAILS);
        assertThat(job.get("jid").asText()).isEqualTo(runningJob);
        assertThat(job.get("name").asText()).isEqualTo("Exactly-once count example");
        assertThat(job.get("state").asText()).isEqualTo("RUNNING");
        assertThat(job.get("end-time").asLong()).isEqualTo(-1);
        for (String s : JOB_STATES) {
            assertThat(job.get("timestamps").get(s).isIntegralNumber()).as("timestamps." + s).isTrue();
        }
        assertThat(job.get("timestamps").get("RUNNING").asLong()).isGreaterThanOrEqualTo(job.get("start-time").asLong());
        for (String s : EXECUTION_STATES) {
            assertThat(job.get("status-counts").get(s).isIntegralNumber()).as("status-counts." + s).isTrue();
        }
        // Kafka source -> Throttle (chained), keyBy -> Running count -> sink (chained): two vertices of parallelism 2
        JsonNode vertices = job.get("vertices");
        assertThat(vertices).hasSize(2);
        for (JsonNode v : vertices) {
            assertFields("JobDetailsVertexInfo", v, JOB_VERTEX);
            assertFields("IOMetricsInfo", v.get("metrics"), IO_METRICS);
            assertThat(v.get("id").asText()).matches(HEX32);
            assertThat(v.get("parallelism").asInt()).isEqualTo(2);
            assertThat(v.get("maxParallelism").asInt()).isEqualTo(128);
            assertThat(v.get("status").asText()).isEqualTo("RUNNING");
            assertThat(v.get("tasks").get("RUNNING").asInt()).isEqualTo(2);
            assertThat(v.get("start-time").asLong()).isPositive();
        }
        assertThat(vertices.get(0).get("name").asText()).startsWith("Source: Kafka: ");
        // records flow: the TaskManagers' numRecordsOut of the source chain and numRecordsIn of the count chain, summed over
        // both subtasks; throttled to 200 records/s per subtask, so within seconds both are positive and below the input's 40,000
        JsonNode flowing = await("/jobs/" + runningJob, j -> {
            JsonNode source = j.get("vertices").get(0).get("metrics");
            JsonNode count = j.get("vertices").get(1).get("metrics");
            return source.get("write-records").asLong() > 0 && source.get("write-records-complete").asBoolean()
                    && count.get("read-records").asLong() > 0 && count.get("read-records-complete").asBoolean();
        }, Duration.ofSeconds(30), "records counted by the TaskManagers' metrics");
        assertThat(flowing.get("vertices").get(0).get("metrics").get("write-records").asLong()).isLessThan(40_000);
        assertThat(flowing.get("vertices").get(1).get("metrics").get("read-records").asLong()).isLessThan(40_000);
        assertThat(vertices.get(1).get("name").asText()).contains("Running count");

        JsonNode plan = get("/jobs/" + runningJob + "/plan").get("plan");
        assertThat(plan).isEqualTo(job.get("plan"));
        assertFields("plan", plan, fields("jid s", "name s", "type s", "nodes a"));
        assertThat(plan.get("nodes")).hasSize(2);
        JsonNode count = plan.get("nodes").get(1);
        assertFields("plan node", count, fields("id s", "parallelism i", "operator s", "operator_strategy s", "description s", "inputs a",
                "optimizer_properties o"));
        JsonNode input = count.get("inputs").get(0);
        assertFields("plan input", input, fields("num i", "id s", "ship_strategy s", "exchange s"));
        assertThat(input.get("id").asText()).isEqualTo(vertices.get(0).get("id").asText());
        assertThat(input.get("ship_strategy").asText()).isEqualTo("HASH");
        assertThat(plan.get("nodes").get(0).has("inputs")).as("a source has no inputs").isFalse();
    }

    @Test
    @Order(5)
    void checkpointsAndTheirConfiguration() throws Exception {
        JsonNode cp = get("/jobs/" + runningJob + "/checkpoints");
        assertFields("CheckpointingStatistics", cp, fields("counts o", "summary o", "latest o", "history a"));
        assertFields("Counts", cp.get("counts"), CHECKPOINT_COUNTS);
        JsonNode counts = cp.get("counts");
        assertThat(counts.get("total").asLong()).isEqualTo(counts.get("completed").asLong() + counts.get("failed").asLong()
                + counts.get("in_progress").asLong());
        for (String s : List.of("checkpointed_size", "state_size", "end_to_end_duration", "alignment_buffered", "processed_data", "persisted_data")) {
            assertFields("CheckpointStatisticsSummary." + s, cp.get("summary").get(s), STATS_SUMMARY);
        }
        JsonNode latest = cp.get("latest").get("completed");
        assertFields("CompletedCheckpointStatistics", latest, CHECKPOINT_STATISTICS);
        assertFields("CompletedCheckpointStatistics", latest, fields("external_path s", "discarded b"));
        assertThat(latest.get("className").asText()).isEqualTo("completed");
        assertThat(latest.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(latest.get("is_savepoint").asBoolean()).isFalse();
        assertThat(latest.get("checkpoint_type").asText()).isEqualTo("CHECKPOINT");
        assertThat(latest.get("num_acknowledged_subtasks").asInt()).isEqualTo(4);
        assertThat(latest.get("num_subtasks").asInt()).isEqualTo(4);
        assertThat(latest.get("external_path").asText()).isEqualTo("s3://flowmesh/checkpoints/" + runningJob + "/chk-" + latest.get("id").asLong());
        assertThat(cp.get("history").size()).isPositive();
        for (JsonNode h : cp.get("history")) {
            assertFields("CheckpointStatistics", h, CHECKPOINT_STATISTICS);
        }

        JsonNode config = get("/jobs/" + runningJob + "/checkpoints/config");
        assertFields("CheckpointConfigInfo", config, CHECKPOINT_CONFIG);
        assertFields("ExternalizedCheckpointInfo", config.get("externalization"), fields("enabled b", "delete_on_cancellation b"));
        assertThat(config.get("interval").asLong()).isEqualTo(500);
        assertThat(config.get("mode").asText()).isEqualTo("exactly_once");
        assertThat(config.get("timeout").asLong()).isEqualTo(600_000);
        assertError(send("GET", "/jobs/" + finishedJob + "/checkpoints/config", null), 404, "not enabled");

        JsonNode jobConfig = get("/jobs/" + runningJob + "/config");
        assertFields("JobConfigInfo", jobConfig, fields("jid s", "name s", "execution-config o"));
        assertThat(jobConfig.get("jid").asText()).isEqualTo(runningJob);
        assertThat(jobConfig.get("name").asText()).isEqualTo("Exactly-once count example");
        JsonNode exec = jobConfig.get("execution-config");
        assertFields("ExecutionConfigInfo", exec, fields("execution-mode s", "restart-strategy s", "job-parallelism i",
                "object-reuse-mode b", "user-config o"));
        assertThat(exec.get("job-parallelism").asInt()).as("the run request's parallelism").isEqualTo(2);
        assertThat(exec.get("user-config").get("parallelism.default").asText()).isEqualTo("2");
        // the example sets its interval from --checkpoint-ms 500
        assertThat(exec.get("user-config").get("execution.checkpointing.interval").asText()).isEqualTo("500 ms");
        assertThat(exec.get("user-config").get("execution.checkpointing.mode").asText()).isEqualTo("EXACTLY_ONCE");
        assertError(send("GET", "/jobs/" + "e".repeat(32) + "/config", null), 404, "e".repeat(32));
    }

    @Test
    @Order(6)
    void verticesBackPressureAndWatermarks() throws Exception {
        JsonNode job = get("/jobs/" + runningJob);
        for (JsonNode vertex : job.get("vertices")) {
            String id = vertex.get("id").asText();
            JsonNode v = get("/jobs/" + runningJob + "/vertices/" + id);
            assertFields("JobVertexDetailsInfo", v, VERTEX_DETAILS);
            assertThat(v.get("subtasks")).hasSize(2);
            for (int i = 0; i < 2; i++) {
                JsonNode s = v.get("subtasks").get(i);
                assertFields("SubtaskExecutionAttemptDetailsInfo", s, SUBTASK);
                assertFields("IOMetricsInfo", s.get("metrics"), IO_METRICS);
                assertThat(s.get("subtask").asInt()).isEqualTo(i);
                assertThat(s.get("status").asText()).isEqualTo("RUNNING");
                assertThat(s.get("end-time").asLong()).isEqualTo(-1);
            }
            // the TaskManagers report busy/idle/back-pressured time per subtask, so the answer has data ("ok"), not
            // Flink's "deprecated" answer for a vertex without those metrics
            // (the per-second values are 0 until the TaskManager's first sample, flowmesh.taskmanager.metrics.rate-interval 5 s)
            JsonNode bp = await("/jobs/" + runningJob + "/vertices/" + id + "/backpressure", b -> {
                if (!b.get("status").asText().equals("ok") || b.get("subtasks").size() != 2) {
                    return false;
                }
                for (JsonNode s : b.get("subtasks")) {
                    if (s.get("ratio").asDouble() + s.get("idleRatio").asDouble() + s.get("busyRatio").asDouble() == 0) {
                        return false; // not sampled yet
                    }
                }
                return true;
            }, Duration.ofSeconds(30), "sampled back-pressure of vertex " + id + " from the TaskManagers' metrics");
            assertFields("JobVertexBackPressureInfo", bp, fields("status s", "backpressureLevel s", "end-timestamp i", "subtasks a"));
            // throttled to 200 records/s per source: nothing is back-pressured
            assertThat(bp.get("backpressureLevel").asText()).isEqualTo("ok");
            assertThat(bp.get("subtasks")).hasSize(2);
            for (int i = 0; i < 2; i++) {
                JsonNode s = bp.get("subtasks").get(i);
                assertFields("SubtaskBackPressureInfo", s, fields("subtask i", "attempt-number i", "backpressureLevel s", "ratio n",
                        "idleRatio n", "busyRatio n"));
                assertThat(s.get("subtask").asInt()).isEqualTo(i);
                double sum = s.get("ratio").asDouble() + s.get("idleRatio").asDouble() + s.get("busyRatio").asDouble();
                assertThat(sum).as("busy + idle + back-pressured time of subtask %d cover the interval", i).isBetween(0.5, 1.5);
            }
            JsonNode watermarks = get("/jobs/" + runningJob + "/vertices/" + id + "/watermarks");
            assertThat(watermarks.isArray()).isTrue();
            for (JsonNode m : watermarks) {
                assertFields("Metric", m, fields("id s", "value s"));
                assertThat(m.get("id").asText()).matches("[01]\\.currentInputWatermark");
                Long.parseLong(m.get("value").asText());
            }
        }
        assertError(send("GET", "/jobs/" + runningJob + "/vertices/" + "f".repeat(32), null), 404, "f".repeat(32));
    }

    @Test
    @Order(7)
    void taskManagers() throws Exception {
        JsonNode tms = get("/taskmanagers").get("taskmanagers");
        assertThat(tms).hasSize(2);
        for (JsonNode tm : tms) {
            assertFields("TaskManagerInfo", tm, TASK_MANAGER);
            assertThat(tm.get("slotsNumber").asInt()).isEqualTo(2);
            assertThat(tm.get("freeSlots").asInt()).isEqualTo(0);
            assertThat(tm.get("timeSinceLastHeartbeat").asLong()).isGreaterThan(System.currentTimeMillis() - 60_000);
            JsonNode details = get("/taskmanagers/" + tm.get("id").asText());
            assertFields("TaskManagerDetailsInfo", details, TASK_MANAGER);
            assertFields("TaskManagerDetailsInfo", details, fields("metrics o", "allocatedSlots a"));
            assertFields("TaskManagerMetricsInfo", details.get("metrics"), fields("heapUsed i", "heapCommitted i", "heapMax i", "nonHeapUsed i",
                    "nonHeapCommitted i", "nonHeapMax i", "garbageCollectors a"));
            assertThat(details.get("metrics").get("heapUsed").asLong()).as("from the TaskManager's jvm_memory_used_bytes").isPositive();
            assertThat(details.get("allocatedSlots")).extracting(s -> s.get("jobId").asText()).contains(runningJob, cancelJob);
        }
        assertError(send("GET", "/taskmanagers/no-such-tm", null), 404, "no-such-tm");
    }

    @Test
    @Order(8)
    void exceptionsOfAFailedAndOfAHealthyJob() throws Exception {
        JsonNode failed = get("/jobs/" + failedJob + "/exceptions");
        assertFields("JobExceptionsInfoWithHistory", failed, EXCEPTIONS);
        assertThat(failed.get("root-exception").asText()).contains("500");
        JsonNode entries = failed.get("exceptionHistory").get("entries");
        assertThat(entries.size()).isPositive();
        assertFields("RootExceptionInfo", entries.get(0), ROOT_EXCEPTION);
        assertFields("ExecutionExceptionInfo", failed.get("all-exceptions").get(0), fields("exception s", "task s", "location s", "timestamp i"));

        JsonNode healthy = get("/jobs/" + runningJob + "/exceptions");
        assertFields("JobExceptionsInfoWithHistory", healthy, EXCEPTIONS);
        assertThat(healthy.get("root-exception").isNull()).isTrue();
        assertThat(healthy.get("exceptionHistory").get("entries")).isEmpty();
    }

    @Test
    @Order(9)
    void errorsAreFlinksErrorBodies() throws Exception {
        String unknown = "0123456789abcdef0123456789abcdef";
        assertError(send("GET", "/jobs/" + unknown, null), 404, unknown);
        assertError(send("PATCH", "/jobs/" + unknown + "?mode=cancel", null), 404, unknown);
        assertError(send("PATCH", "/jobs/" + runningJob + "?mode=stop", null), 400, "cancel");
        assertError(send("GET", "/jobs/" + runningJob + "/savepoints/" + "f".repeat(32), null), 404, "");
        assertError(send("POST", "/jobs/" + finishedJob + "/savepoints", "{}"), 400, "FINISHED");
        assertError(send("GET", "/no/such/path", null), 404, "Not found");
    }

    @Test
    @Order(10)
    void aSavepointTriggeredAndPolledIsInS3() throws Exception {
        Reply trigger = send("POST", "/jobs/" + runningJob + "/savepoints", "{\"cancel-job\":false}");
        assertThat(trigger.status()).as(trigger.text()).isEqualTo(202);
        String requestId = trigger.body().get("request-id").asText();
        assertThat(requestId).matches(HEX32);
        JsonNode done = await("/jobs/" + runningJob + "/savepoints/" + requestId, s -> {
            assertThat(s.get("status").get("id").asText()).isIn("IN_PROGRESS", "COMPLETED");
            return s.get("status").get("id").asText().equals("COMPLETED");
        }, Duration.ofSeconds(60), "the savepoint completes");
        String location = done.get("operation").get("location").asText();
        assertThat(location).matches("s3://flowmesh/savepoints/savepoint-" + runningJob.substring(0, 6) + "-\\d+");
        assertMetadataStored(location);
        JsonNode cp = get("/jobs/" + runningJob + "/checkpoints");
        assertThat(cp.get("latest").get("savepoint").get("external_path").asText()).isEqualTo(location);
        assertThat(cp.get("latest").get("savepoint").get("is_savepoint").asBoolean()).isTrue();
    }

    /** The S3 server (s3proxy, filesystem backend) keeps objects as files under the run directory. */
    private void assertMetadataStored(String location) throws Exception {
        String key = location.substring("s3://flowmesh/".length()) + "/_metadata";
        Path data = cluster.runDir.resolve("s3/data/flowmesh");
        try (Stream<Path> files = Files.walk(data)) {
            List<String> keys = files.filter(Files::isRegularFile).map(p -> data.relativize(p).toString().replace('\\', '/')).toList();
            assertThat(keys).as("objects in " + data).contains(key);
        }
    }

    @Test
    @Order(11)
    void stopWithSavepointFinishesTheJob() throws Exception {
        Reply stop = send("POST", "/jobs/" + runningJob + "/stop", "{\"drain\":false}");
        assertThat(stop.status()).as(stop.text()).isEqualTo(202);
        String requestId = stop.body().get("request-id").asText();
        JsonNode done = await("/jobs/" + runningJob + "/savepoints/" + requestId, s -> s.get("status").get("id").asText().equals("COMPLETED"),
                Duration.ofSeconds(60), "the stop's savepoint completes");
        assertMetadataStored(done.get("operation").get("location").asText());
        await("/jobs/" + runningJob, j -> j.get("state").asText().equals("FINISHED"), Duration.ofSeconds(60), "the stopped job finishes");
    }

    @Test
    @Order(12)
    void patchModeCancelCancelsTheJob() throws Exception {
        Reply cancel = send("PATCH", "/jobs/" + cancelJob + "?mode=cancel", null);
        assertThat(cancel.status()).as(cancel.text()).isEqualTo(202);
        JsonNode job = await("/jobs/" + cancelJob, j -> j.get("state").asText().equals("CANCELED"), Duration.ofSeconds(60),
                "the job is canceled");
        assertThat(job.get("end-time").asLong()).isGreaterThanOrEqualTo(job.get("start-time").asLong());
        assertThat(job.get("timestamps").get("CANCELED").asLong()).isEqualTo(job.get("end-time").asLong());
        assertError(send("PATCH", "/jobs/" + cancelJob + "?mode=cancel", null), 409, "CANCELED");
        assertThat(get("/overview").get("jobs-cancelled").asInt()).isEqualTo(1);
    }

    @Test
    @Order(13)
    void deletingAJarRemovesItFromTheList() throws Exception {
        Reply delete = send("DELETE", "/jars/" + jarId, null);
        assertThat(delete.status()).as(delete.text()).isEqualTo(200);
        assertThat(get("/jars").get("files")).isEmpty();
        assertError(send("DELETE", "/jars/" + jarId, null), 400, jarId);
    }

    /**
     * The OpenAPI document served at /q/openapi is the one kept in the repository. On a deliberate
     * change, copy the served one (written to target/rest-api.openapi.yaml) to docs/rest-api.openapi.yaml.
     */
    @Test
    @Order(14)
    void theServedOpenApiDocumentIsTheOneInTheRepository() throws Exception {
        HttpResponse<String> served = http.send(HttpRequest.newBuilder(URI.create(base + "/q/openapi")).header("Accept", "application/yaml")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).isEqualTo(200);
        Path copy = cluster.home.resolve("e2e/target/rest-api.openapi.yaml");
        Files.writeString(copy, served.body());
        Path kept = cluster.home.resolve("docs/rest-api.openapi.yaml");
        assertThat(kept).as("docs/rest-api.openapi.yaml (copy it from " + copy + ")").exists();
        assertThat(served.body()).as("the served OpenAPI document differs from docs/rest-api.openapi.yaml; if intended, cp " + copy + " "
                + kept).isEqualTo(Files.readString(kept));
        List<String> paths = new ArrayList<>();
        for (Iterator<String> it = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(served.body()).get("paths").fieldNames(); it.hasNext(); ) {
            paths.add(it.next());
        }
        assertThat(paths).contains("/overview", "/config", "/jobs", "/jobs/overview", "/jobs/{jobid}", "/jobs/{jobid}/plan",
                "/jobs/{jobid}/checkpoints", "/jobs/{jobid}/checkpoints/config", "/jobs/{jobid}/config", "/jobs/{jobid}/exceptions", "/jobs/{jobid}/vertices/{vertexid}",
                "/jobs/{jobid}/vertices/{vertexid}/backpressure", "/jobs/{jobid}/vertices/{vertexid}/watermarks", "/taskmanagers",
                "/taskmanagers/{taskmanagerid}", "/jobs/{jobid}/savepoints", "/jobs/{jobid}/savepoints/{triggerid}", "/jobs/{jobid}/stop",
                "/jars/upload", "/jars", "/jars/{jarid}/run", "/jars/{jarid}");
    }
}
