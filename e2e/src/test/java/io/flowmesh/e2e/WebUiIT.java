package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.proto.CheckpointStats;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.ListCheckpointsRequest;
import io.flowmesh.proto.VertexDetails;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The Web UI in a real headless Chromium against a real local cluster: the page is served on the
 * dispatcher's port; a dispatcher that cannot be reached shows a banner; a job submitted on the
 * submit page (jar upload and run; the exactly-once count, checkpointing every 500 ms) is listed as
 * running, its graph has one box per JobGraph vertex, its checkpoints tab lists a checkpoint the
 * coordinator completed, the savepoint button takes a savepoint and the cancel button cancels it;
 * when the dispatcher dies the last data stays under a banner, which goes away once it is back. Expected values come from the gRPC API and the Kafka topics, not from the UI or REST
 * code. Screenshots are kept in {@code e2e/target/web-ui/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {
    private static final String JOB_NAME = "Exactly-once count example";
    private static final int RECORDS = 20_000;
    private static final Duration UI_WAIT = Duration.ofSeconds(30);

    private TestCluster cluster;
    private DispatcherClient client;
    private HeadlessChromium chromium;
    private ChromeDriver browser;
    private Path artifacts;
    private String ui;
    private String jobId;

    @BeforeAll
    void start() throws Exception {
        artifacts = TestCluster.home().resolve("e2e/target/web-ui");
        try (var old = java.nio.file.Files.list(java.nio.file.Files.createDirectories(artifacts))) {
            for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".png") || p.getFileName().toString().endsWith(".html")).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
        chromium = HeadlessChromium.start(artifacts.resolve("chromium"));
        browser = chromium.driver;
        cluster = TestCluster.start("web-ui-it");
        client = new DispatcherClient(cluster.dispatcher());
        ui = "http://" + cluster.dispatcher() + "/";
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (chromium != null) {
                chromium.close();
            }
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

    @Test
    @Order(1)
    void theUiIsServedOnTheDispatcherPort(TestInfo test) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create(ui)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(index.body()).contains("<script type=\"module\" src=\"ui/main.js\"></script>");
        HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create(ui + "ui/main.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("content-type").orElse("")).contains("javascript");

        onFailureScreenshot(test, () -> {
            browser.get(ui);
            awaitUi("the overview page", () -> "Overview".equals(text("#page-title")) && "true".equals(js(
                    "return document.getElementById('nav-overview').classList.contains('active')")));
            assertThat(browser.findElements(By.cssSelector("#nav a")).stream().map(e -> e.getText()).toList())
                    .containsExactly("Overview", "Running Jobs", "Completed Jobs", "Task Managers", "Submit New Job");
        });
    }

    @Test
    @Order(2)
    void aDispatcherThatCannotBeReachedShowsABannerInsteadOfData(TestInfo test) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closed;
        onFailureScreenshot(test, () -> {
            browser.get(ui + "?dispatcher=" + nowhere + "#/overview");
            awaitUi("the unreachable banner", () -> "unreachable".equals(js("return document.getElementById('error-banner').dataset.kind || ''")));
            assertThat(browser.findElement(By.id("error-banner")).isDisplayed()).isTrue();
            assertThat(text("#error-banner")).startsWith("The dispatcher is unreachable: cannot reach the dispatcher at " + nowhere + " (")
                    .contains("No data yet.").endsWith("Retrying every 2 s.");
            assertThat(browser.findElements(By.cssSelector("[data-testid=no-data]"))).isNotEmpty();
            chromium.screenshot(artifacts.resolve("unreachable.png"));
        });
    }

    @Test
    @Order(2)
    void theGraphIsLaidOutInLayersAlongItsInputsAndColouredByBusyAndBackPressure(TestInfo test) throws Exception {
        onFailureScreenshot(test, () -> {
            browser.get(ui + "#/overview");
            // a diamond a → b, a → c, b → d, c → d, listed out of order; b fully busy, c highly back-pressured
            Object result = browser.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    import('/ui/graph.js').then((g) => {
                      const nodes = [
                        { id: 'd', name: 'D', parallelism: 1, inputs: [{ id: 'b', ship_strategy: 'FORWARD' }, { id: 'c', ship_strategy: 'HASH' }] },
                        { id: 'b', name: 'B', parallelism: 2, inputs: [{ id: 'a' }], busy: 1, backpressure: 0, backpressureLevel: 'ok', recordsIn: 5, recordsOut: 7 },
                        { id: 'c', name: 'C', parallelism: 3, inputs: [{ id: 'a' }], busy: 0, backpressure: 0.9, backpressureLevel: 'high' },
                        { id: 'a', name: 'A', parallelism: 4, inputs: [] },
                      ];
                      const host = document.createElement('div');
                      host.innerHTML = g.renderGraph(nodes, 'b', (id) => '#/x/' + id);
                      document.body.append(host);
                      const box = (id) => host.querySelector('[data-vertex-id="' + id + '"]');
                      const x = (id) => box(id).transform.baseVal.getItem(0).matrix.e;
                      const rect = (id) => box(id).querySelector('rect');
                      done({
                        boxes: host.querySelectorAll('[data-testid=graph-vertex]').length,
                        edges: [...host.querySelectorAll('[data-testid=graph-edge]')].map((e) => e.dataset.source + '>' + e.dataset.target).sort().join(' '),
                        layers: [x('a') < x('b'), x('b') === x('c'), x('c') < x('d')].join(' '),
                        fillB: getComputedStyle(rect('b')).fill, fillC: getComputedStyle(rect('c')).fill,
                        strokeB: getComputedStyle(rect('b')).stroke, strokeC: getComputedStyle(rect('c')).stroke,
                        textB: box('b').textContent.replace(/\\s+/g, ' ').trim(),
                        selected: [...host.querySelectorAll('.vertex.selected')].map((e) => e.dataset.vertexId).join(' '),
                        link: box('d').closest('a').getAttribute('href'),
                      });
                      host.remove();
                    }).catch((e) => done({ error: String(e) }));
                    """);
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> r = (java.util.Map<String, Object>) result;
            assertThat(r).doesNotContainKey("error");
            assertThat(r.get("boxes")).isEqualTo(4L);
            assertThat(r.get("edges")).isEqualTo("a>b a>c b>d c>d");
            assertThat(r.get("layers")).isEqualTo("true true true");
            assertThat(r.get("fillB")).as("fully busy: red").isEqualTo("rgb(246, 170, 160)");
            assertThat(r.get("fillC")).as("idle: blue").isEqualTo("rgb(221, 234, 252)");
            assertThat(r.get("strokeB")).as("no back pressure: blue border").isEqualTo("rgb(74, 127, 214)");
            assertThat(r.get("strokeC")).as("high back pressure: black border").isEqualTo("rgb(34, 34, 34)");
            assertThat(r.get("textB")).isEqualTo("B B Parallelism: 2 Records in: 5 · out: 7 Busy (max): 100% Backpressured (max): 0%");
            assertThat(r.get("selected")).isEqualTo("b");
            assertThat(r.get("link")).isEqualTo("#/x/d");
        });
    }

    @Test
    @Order(3)
    void aJobSubmittedInTheUiIsListedDrawnCheckpointedSavepointedAndCancelled(TestInfo test) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String in = "ui-in-" + suffix;
        String out = "ui-out-" + suffix;
        CountJob.prepare(cluster.kafka(), RECORDS, in, out);
        Path jar = cluster.home.resolve("examples/target/flowmesh-examples.jar");

        onFailureScreenshot(test, () -> {
            // submit page: upload the jar, then run it; 2 source subtasks at 100 records/s each (~100 s of input)
            browser.get(ui + "#/submit");
            awaitUi("the submit page", () -> browser.findElements(By.id("jar-file")).size() == 1);
            browser.findElement(By.id("jar-file")).sendKeys(jar.toString());
            browser.findElement(By.id("upload-jar")).click();
            awaitUi("the upload's outcome", () -> "ok".equals(attr("#submit-status", "data-kind")));
            String jarId = browser.findElement(By.id("jar-id")).getAttribute("value");
            assertThat(text("#submit-status")).isEqualTo("Uploaded flowmesh-examples.jar as " + jarId + ".");
            awaitUi("the jar in the list", () -> browser.findElements(By.cssSelector("tr[data-testid=jar-row][data-jar-id='" + jarId + "']")).size() == 1);
            browser.findElement(By.id("entry-class")).sendKeys(CountJob.EXAMPLE_CLASS);
            browser.findElement(By.id("parallelism")).sendKeys("2");
            browser.findElement(By.id("program-args")).sendKeys("--in " + in + " --out " + out + " --checkpoint-ms 500 --records-per-second 100");
            browser.findElement(By.id("run-job")).click();
            awaitUi("the new job's page", () -> browser.getCurrentUrl().matches(".*#/jobs/[0-9a-f]{32}$"));
            jobId = browser.getCurrentUrl().replaceAll(".*#/jobs/", "");
        });
        JobDetails running = client.awaitStatus(jobId, JobStatus.RUNNING, Duration.ofSeconds(60));
        assertThat(running.getEntryClass()).isEqualTo(CountJob.EXAMPLE_CLASS);
        // Kafka source + throttle (chained), keyBy, running count + Kafka sink (chained): two vertices of parallelism 2
        Set<String> vertexIds = running.getVerticesList().stream().map(VertexDetails::getVertexId).collect(Collectors.toSet());
        assertThat(vertexIds).hasSize(2);
        assertThat(running.getVerticesList()).allSatisfy(v -> assertThat(v.getParallelism()).isEqualTo(2));

        onFailureScreenshot(test, () -> {
            browser.get(ui + "#/jobs/running");
            String row = "#running-jobs tr[data-job-id='" + jobId + "']";
            awaitUi("job " + jobId + " RUNNING in the running jobs", () -> "RUNNING".equals(attr(row, "data-state")));
            assertThat(text(row + " [data-testid=job-link]")).isEqualTo(JOB_NAME);
            assertThat(text(row + " [data-testid=job-parallelism]")).isEqualTo("2");
            assertThat(text(row + " [data-testid=job-start]")).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

            browser.findElement(By.cssSelector(row + " [data-testid=job-link]")).click();
            awaitUi("the job page", () -> browser.getCurrentUrl().endsWith("#/jobs/" + jobId) && jobId.equals(text("#job-id")));
            awaitUi("one box per vertex of the job graph", () -> vertexIds.equals(Set.copyOf(jsList(
                    "return [...document.querySelectorAll('svg [data-testid=graph-vertex]')].map(e => e.dataset.vertexId)"))));
            for (String id : vertexIds) {
                assertThat(text("#vertex-" + id + " [data-testid=vertex-parallelism]")).isEqualTo("2");
            }
            assertThat(browser.findElements(By.cssSelector("svg [data-testid=graph-edge]"))).hasSize(1);
            awaitUi("the subtasks of the first vertex", () -> browser.findElements(By.cssSelector("[data-testid=subtask-row]")).size() == 2);

            long completed = CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0, Duration.ofSeconds(60)).getCheckpointId();
            browser.findElement(By.id("tab-checkpoints")).click();
            String checkpointRow = "tr[data-testid=checkpoint-row][data-checkpoint-id='" + completed + "']";
            awaitUi("completed checkpoint " + completed + " in the history", () -> "COMPLETED".equals(attr(checkpointRow, "data-status")));
            awaitUi("a latest completed checkpoint", () -> attr("#latest-completed", "data-checkpoint-id") != null);
            assertThat(Long.parseLong(attr("#latest-completed", "data-checkpoint-id"))).isGreaterThanOrEqualTo(completed);
            chromium.screenshot(artifacts.resolve("job-checkpoints.png"));

            browser.findElement(By.id("tab-overview")).click();
            awaitUi("the graph again", () -> browser.findElements(By.cssSelector("svg [data-testid=graph-vertex]")).size() == 2);
            awaitUi("every subtask of the first vertex RUNNING", () -> jsList(
                    "return [...document.querySelectorAll('[data-testid=subtask-row] [data-testid=state]')].map(e => e.textContent)")
                    .equals(List.of("RUNNING", "RUNNING")));
            chromium.screenshot(artifacts.resolve("job-page.png"));

            browser.findElement(By.id("trigger-savepoint")).click();
            awaitUi("the savepoint's outcome", () -> "ok".equals(attr("#action-status", "data-kind")));
            String shown = text("#action-status").replaceFirst("^Savepoint completed: ", "");
            List<String> savepoints = client.stub().listCheckpoints(ListCheckpointsRequest.newBuilder().setJobId(jobId).build())
                    .getCheckpointsList().stream()
                    .filter(c -> c.getType() == CheckpointType.SAVEPOINT && c.getStatus() == CheckpointStatus.CHECKPOINT_COMPLETED)
                    .map(CheckpointStats::getLocation).toList();
            assertThat(savepoints).as("the coordinator's completed savepoints").containsExactly(shown);

            browser.findElement(By.id("cancel-job")).click();
            awaitUi("the cancel confirmation", () -> browser.findElement(By.id("cancel-confirm")).isDisplayed());
            browser.findElement(By.id("cancel-confirm")).click();
            assertThat(client.awaitTerminal(jobId, Duration.ofSeconds(60)).getSummary().getStatus()).isEqualTo(JobStatus.CANCELED);
            awaitUi("the job page shows CANCELED", () -> "CANCELED".equals(attr("#job-state", "data-state")));
            assertThat(text("#action-status")).isEqualTo("Cancellation of job " + jobId + " requested.");
            assertThat(browser.findElement(By.id("cancel-job")).isEnabled()).isFalse();
            chromium.screenshot(artifacts.resolve("job-page-canceled.png"));

            browser.findElement(By.id("tab-exceptions")).click();
            awaitUi("the exceptions tab of a cancelled (not failed) job", () -> text("[data-testid=root-exception-none]") != null);
            assertThat(text("[data-testid=root-exception-none]")).isEqualTo("No exception: the job has not failed.");
            browser.findElement(By.id("tab-config")).click();
            awaitUi("the configuration tab", () -> text("#execution-config") != null);
            assertThat(text("#execution-config")).contains("Job ID\t" + jobId).contains("Name\t" + JOB_NAME)
                    .contains("execution-mode\tPIPELINED");
            // GET /jobs/:jobid/config: the job's configuration keys, as submitted
            awaitUi("the job's configuration keys", () -> text("#user-config") != null);
            assertThat(text("#user-config")).contains("parallelism.default\t2").contains("execution.checkpointing.interval\t500 ms");
            assertThat(text("#error-banner")).as("the configuration tab loads without an error").isEmpty();
        });
    }

    @Test
    @Order(4)
    void whenTheDispatcherDiesTheLastDataStaysUnderABannerUntilItIsBack(TestInfo test) throws Exception {
        onFailureScreenshot(test, () -> {
            browser.get(ui + "#/overview");
            awaitUi("the overview's data", () -> "2".equals(text("#overview-taskmanagers .card-value")));
            assertThat(text("#overview-slots-total .card-value")).isEqualTo("4");
            browser.findElement(By.id("nav-taskmanagers")).click();
            // the test cluster: 2 TaskManagers of 2 slots, heartbeating
            awaitUi("two TaskManagers", () -> browser.findElements(By.cssSelector("[data-testid=taskmanager-row]")).size() == 2);
            assertThat(jsList("return [...document.querySelectorAll('[data-testid=tm-slots-total]')].map(e => e.textContent)"))
                    .containsExactly("2", "2");
            assertThat(jsList("return [...document.querySelectorAll('[data-testid=tm-heartbeat-age]')].map(e => e.textContent)"))
                    .allSatisfy(age -> assertThat(age).matches("\\d+(ms|s)"));
            browser.findElement(By.id("nav-overview")).click();
            awaitUi("the overview again", () -> "2".equals(text("#overview-taskmanagers .card-value")));
            cluster.kill9("dispatcher");
            awaitUi("the unreachable banner", () -> "unreachable".equals(js("return document.getElementById('error-banner').dataset.kind || ''")));
            assertThat(text("#error-banner")).startsWith("The dispatcher is unreachable: cannot reach the dispatcher at http://"
                    + cluster.dispatcher() + " (").contains("Showing the data of ");
            assertThat(text("#overview-taskmanagers .card-value")).as("the last data stays").isEqualTo("2");
            chromium.screenshot(artifacts.resolve("dispatcher-down.png"));

            cluster.restart("dispatcher");
            awaitUi("the banner gone once the dispatcher is back", () -> "true".equals(js("return String(document.getElementById('error-banner').hidden)")));
            assertThat(text("#overview-taskmanagers .card-value")).isEqualTo("2");
        });
    }

    // --- helpers -------------------------------------------------------------------------------

    interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step}; on failure keeps a screenshot and the page's HTML named after the test. */
    private void onFailureScreenshot(TestInfo test, Step step) throws Exception {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            String name = test.getTestMethod().map(m -> m.getName()).orElse("test");
            try {
                chromium.screenshot(artifacts.resolve("failed-" + name + ".png"));
                java.nio.file.Files.writeString(artifacts.resolve("failed-" + name + ".html"), browser.getPageSource());
            } catch (Exception ignored) {
                // the browser may be the problem
            }
            throw e;
        }
    }

    /** Waits until {@code condition} holds, reading the page afresh each time (it re-renders every 2 s). */
    private void awaitUi(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + UI_WAIT.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (WebDriverException | NullPointerException e) {
                last = e; // an element being replaced, or not there yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the Web UI did not show " + what + " within " + UI_WAIT + " (banner: '" + text("#error-banner") + "')", last);
    }

    private String js(String script) {
        Object value = browser.executeScript(script);
        return value == null ? null : value.toString();
    }

    @SuppressWarnings("unchecked")
    private List<String> jsList(String script) {
        return (List<String>) browser.executeScript(script);
    }

    /** The text of the first element matching {@code css} (null if none), as the user sees it. */
    private String text(String css) {
        return (String) browser.executeScript("const e = document.querySelector(arguments[0]); return e ? (e.innerText ?? e.textContent).trim() : null;", css);
    }

    private String attr(String css, String name) {
        return (String) browser.executeScript("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, name);
    }
}
