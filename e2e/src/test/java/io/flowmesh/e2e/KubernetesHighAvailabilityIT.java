package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flowmesh.local.ManagedProcess;
import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code high-availability.type: kubernetes} with real processes: every service of a local cluster
 * (real Kafka and S3) reads {@code high-availability.type=kubernetes} with fabric8's Kubernetes mock
 * server (CRUD mode, the one accepted stand-in for an API server) as {@code kubernetes.master}. The
 * JobManager and the coordinator lead on the Leases {@code k8s-it-jobmanager-leader} /
 * {@code k8s-it-coordinator-leader} (cluster id from Flink's {@code kubernetes.cluster-id}) with
 * epoch 1 and their addresses; a second JobManager waits as a standby; the dispatcher finds the
 * leader through its Lease (the job is submitted and runs, the coordinator checkpoints it). Then
 * the leading JobManager is killed ({@code kill -9}): the standby takes the Lease with epoch 2, the
 * TaskManagers follow it and run the job again under it, and the job finishes with every count
 * exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesHighAvailabilityIT {
    private static final String NAMESPACE = "flowmesh-it";
    private static final String CLUSTER_ID = "k8s-it";
    private static final int RECORDS = 30_000;

    static KubernetesClient client;

    private TestCluster cluster;
    private DispatcherClient dispatcher;
    private Artifact artifact;
    private Process standby;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start("kubernetes-ha-it", Map.of(
                "high-availability.type", "kubernetes",
                "kubernetes.master", client.getMasterUrl().toString(),
                "kubernetes.namespace", NAMESPACE,
                "kubernetes.cluster-id", CLUSTER_ID,
                "high-availability.kubernetes.leader-election.lease-duration", "3 s",
                "high-availability.kubernetes.leader-election.renew-deadline", "3 s",
                "high-availability.kubernetes.leader-election.retry-period", "500 ms"));
        dispatcher = new DispatcherClient(cluster.dispatcher());
        artifact = dispatcher.upload(cluster.home.resolve("examples/target/flowmesh-examples.jar"));
    }

    @AfterAll
    void stopCluster() throws Exception {
        try {
            if (standby != null) {
                standby.destroyForcibly().waitFor();
            }
            if (dispatcher != null) {
                dispatcher.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void jobManagerAndCoordinatorLeadOnLeasesAndTheStandbyTakesOverAKilledLeader() throws Exception {
        String jobManager = grpcAddress("jobmanager");
        assertThat(awaitLease("jobmanager", l -> true)).isEqualTo(new Leader(1, jobManager));
        assertThat(awaitLease("coordinator", l -> true)).isEqualTo(new Leader(1, grpcAddress("coordinator")));

        int standbyPort = TestCluster.freePortBlock(1);
        String standbyAddress = "127.0.0.1:" + standbyPort;
        standby = startStandbyJobManager(standbyPort);
        TestCluster.awaitLog(cluster.runDir.resolve("logs/jobmanager-standby.log"), "competing for leadership as " + standbyAddress);
        assertThat(lease("jobmanager")).as("the standby does not take a renewed Lease").contains(new Leader(1, jobManager));

        String in = "k8s-ha-in-" + UUID.randomUUID().toString().substring(0, 8);
        String out = in.replace("-in-", "-out-");
        CountJob.prepare(cluster.kafka(), RECORDS, in, out);
        String jobId = dispatcher.submit(artifact.getUri(), CountJob.EXAMPLE_CLASS, 2, List.of("--in", in, "--out", out,
                "--checkpoint-ms", "500", "--records-per-second", "1500")).getJobId();
        dispatcher.awaitStatus(jobId, JobStatus.RUNNING, Duration.ofSeconds(60));
        CountJob.awaitCompletedCheckpoint(cluster.kafka(), jobId, 0, Duration.ofSeconds(30));

        cluster.kill9("jobmanager");
        assertThat(awaitLease("jobmanager", l -> l.epoch() > 1)).isEqualTo(new Leader(2, standbyAddress));
        CountJob.awaitAllSubtasksRunningUnder(cluster.kafka(), jobId, "jobmanager@" + standbyAddress);

        JobDetails done = dispatcher.awaitTerminal(jobId, Duration.ofSeconds(90));
        assertThat(done.getSummary().getStatus()).as(done.getFailureCause()).isEqualTo(JobStatus.FINISHED);
        CountJob.assertExactly(CountJob.committedOutput(cluster.kafka(), out, RECORDS), CountJob.expectedCounts(RECORDS),
                "exactly the counts 1..n_k of every key");
        assertThat(lease("coordinator")).as("the coordinator kept its Lease").contains(new Leader(1, grpcAddress("coordinator")));
    }

    /** The leader a Lease names, read here independently: epoch = leaseTransitions + 1, address = holder identity before '#'. */
    private record Leader(long epoch, String address) {}

    private Optional<Leader> lease(String component) {
        Lease lease = client.leases().inNamespace(NAMESPACE).withName(CLUSTER_ID + "-" + component + "-leader").get();
        if (lease == null || lease.getSpec().getHolderIdentity() == null || lease.getSpec().getHolderIdentity().isEmpty()) {
            return Optional.empty();
        }
        String holder = lease.getSpec().getHolderIdentity();
        int transitions = lease.getSpec().getLeaseTransitions() == null ? 0 : lease.getSpec().getLeaseTransitions();
        return Optional.of(new Leader(transitions + 1L, holder.substring(0, holder.indexOf('#'))));
    }

    private Leader awaitLease(String component, Predicate<Leader> which) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Leader> l = lease(component);
            if (l.isPresent() && which.test(l.get())) {
                return l.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + component + " Lease as expected within 60 s; now " + lease(component));
    }

    private String grpcAddress(String role) {
        return cluster.processes().stream().filter(p -> p.role().equals(role)).findFirst().orElseThrow().address(ManagedProcess.GRPC)
                .orElseThrow();
    }

    /**
     * A second JobManager with the first one's command line (read from {@code /proc}) on another
     * port, in the run directory, so that it reads the same configuration; the test stops it by PID.
     */
    private Process startStandbyJobManager(int port) throws Exception {
        long pid = cluster.pid("jobmanager");
        String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        for (String arg : Arrays.asList(cmdline.split("\0"))) {
            if (arg.startsWith("-Dquarkus.http.port=")) {
                command.add("-Dquarkus.http.port=" + port);
                command.add("-Dflowmesh.jobmanager.advertised-address=127.0.0.1:" + port);
            } else if (!arg.isEmpty()) {
                command.add(arg);
            }
        }
        assertThat(command).contains("-Dquarkus.http.port=" + port);
        Path log = cluster.runDir.resolve("logs/jobmanager-standby.log");
        Process p = new ProcessBuilder(command).directory(cluster.runDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("the standby JobManager (log " + log + ")").isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/live")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return p;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        p.destroyForcibly().waitFor();
        throw new AssertionError("the standby JobManager did not start within 60 s (log " + log + ")");
    }
}
