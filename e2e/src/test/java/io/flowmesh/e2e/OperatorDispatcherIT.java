package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.flowmesh.operator.service.CheckpointView;
import io.flowmesh.operator.service.ClusterId;
import io.flowmesh.operator.service.JobInfo;
import io.flowmesh.operator.service.JobSubmission;
import io.flowmesh.operator.service.KubernetesClusterService;
import io.flowmesh.operator.service.SavepointResult;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator's real cluster service, its dispatcher half, against a real local cluster: the job of
 * a FlinkDeployment submitted from an http:// jarURI (downloaded and uploaded by the operator), its
 * status and latest checkpoint as the operator reads them, a manual savepoint, stop-with-savepoint
 * (the savepoint upgrade mode), a resubmission from that savepoint and a cancel. (Its Kubernetes half
 * is KubernetesClusterServiceTest's, against the mock API server.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorDispatcherIT {
    private static final String SAVEPOINTS = "s3://flowmesh/savepoints/operator-it";

    private TestCluster cluster;
    private HttpServer http;
    private KubernetesClusterService service;
    private final ClusterId id = new ClusterId("flowmesh-jobs", "operator-it");

    @BeforeAll
    void start() throws Exception {
        cluster = TestCluster.start("operator-dispatcher-it");
        Path jar = cluster.home.resolve("examples/target/flowmesh-examples.jar");
        assertThat(jar).exists();
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/jars/flowmesh-examples.jar", exchange -> {
            byte[] body = Files.readAllBytes(jar);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        // no Kubernetes client: only the dispatcher calls are used here
        service = new KubernetesClusterService(null, cluster.dispatcher(), Duration.ofSeconds(30), Duration.ofSeconds(90));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (http != null) {
                http.stop(0);
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private JobSubmission submission(String in, String out, String restorePath) {
        String jarUri = "http://127.0.0.1:" + http.getAddress().getPort() + "/jars/flowmesh-examples.jar";
        // 2 sources at 200 records/s over 40,000 records: runs ~100 s unless stopped
        return new JobSubmission(jarUri, CountJob.EXAMPLE_CLASS, List.of("--in", in, "--out", out, "--checkpoint-ms", "300",
                "--records-per-second", "200"), 2, Map.of(), restorePath, false);
    }

    @Test
    void submitObserveSavepointStopRestoreAndCancel() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String in = "op-in-" + suffix;
        String out = "op-out-" + suffix;
        CountJob.prepare(cluster.kafka(), 40_000, in, out);

        String jobId = service.submitJob(id, submission(in, out, null));
        assertThat(jobId).matches("[0-9a-f]{32}");
        JobInfo running = await("job " + jobId + " RUNNING", () -> service.getJobStatus(id, jobId), j -> j.state().equals("RUNNING"));
        assertThat(running.jobId()).isEqualTo(jobId);

        CheckpointView checkpoint = await("a completed checkpoint of " + jobId, () -> service.latestCheckpoint(id, jobId), c -> true);
        assertThat(checkpoint.checkpointId()).isPositive();
        assertThat(checkpoint.location()).startsWith("s3://");

        // a manual savepoint (savepointTriggerNonce): the job keeps running
        String trigger = service.triggerSavepoint(id, jobId, SAVEPOINTS);
        SavepointResult manual = await("savepoint " + trigger + " of " + jobId,
                () -> Optional.of(service.getSavepointStatus(id, jobId, trigger)), r -> r.status() != SavepointResult.Status.PENDING);
        assertThat(manual.status()).as(manual.failureCause()).isEqualTo(SavepointResult.Status.COMPLETED);
        assertThat(manual.location()).startsWith(SAVEPOINTS + "/");
        assertThat(service.getJobStatus(id, jobId)).get().extracting(JobInfo::state).isEqualTo("RUNNING");

        // the savepoint upgrade mode: stop with a savepoint, then start the new job from it
        String upgradeSavepoint = service.stopWithSavepoint(id, jobId, SAVEPOINTS);
        assertThat(upgradeSavepoint).startsWith(SAVEPOINTS + "/").isNotEqualTo(manual.location());
        await("job " + jobId + " FINISHED after stop-with-savepoint", () -> service.getJobStatus(id, jobId),
                j -> j.state().equals("FINISHED"));

        String restored = service.submitJob(id, submission(in, out, upgradeSavepoint));
        assertThat(restored).isNotEqualTo(jobId);
        await("job " + restored + " RUNNING from " + upgradeSavepoint, () -> service.getJobStatus(id, restored),
                j -> j.state().equals("RUNNING"));

        // the stateless upgrade mode and delete: cancel; cancelling a terminal job again is no error
        service.cancelJob(id, restored);
        await("job " + restored + " CANCELED", () -> service.getJobStatus(id, restored), j -> j.state().equals("CANCELED"));
        service.cancelJob(id, restored);

        assertThat(service.getJobStatus(id, "0123456789abcdef0123456789abcdef")).isEmpty();
    }

    /** Polls every 200 ms (up to 90 s) until the value is present and matches. */
    private static <T> T await(String what, Supplier<Optional<T>> value, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Optional<T> last = value.get();
        while (!(last.isPresent() && done.test(last.get()))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
            }
            Thread.sleep(200);
            last = value.get();
        }
        return last.get();
    }
}
