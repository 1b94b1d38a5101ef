package io.flowmesh.cli;

import io.flowmesh.bench.results.BenchmarkReport;
import io.flowmesh.bench.results.Correctness;
import io.flowmesh.bench.results.LatencyResult;
import io.flowmesh.bench.results.Summary;
import io.flowmesh.bench.results.Workload;
import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.LocalClusterException;
import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import io.flowmesh.local.ManagedProcess;
import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.ClusterOverview;
import io.flowmesh.proto.DispatcherServiceGrpc;
import io.flowmesh.proto.Empty;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.SubmitJobRequest;
import io.flowmesh.proto.SubmitJobResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Runs workloads of {@code BENCHMARKS.md} on one local cluster, for {@code flowmesh bench <workload>}
 * (one workload) and {@code flowmesh bench all} (every one, one after the other, on the same cluster).
 *
 * <p>Opening a session uses the local cluster running in the default run dir, or starts one with
 * {@code --taskmanagers} × {@code --slots}; {@link #close()} stops a cluster the session started
 * (a shutdown hook does it on Ctrl-C). The bench jar is uploaded once per session.
 *
 * <p>{@link #run} runs a workload R times and returns every run ({@link WorkloadResult}); progress
 * and failed checks go to the progress stream, nothing to stdout. Throughput workloads W1–W3 and
 * latency: submit with a fresh run id, wait for the job's end, read the sink subtasks' summaries of
 * that run id from the Kafka topic {@value Summary#TOPIC}, compare them with the values
 * {@link Correctness#expected} computes by plain loops. W4/W5: {@link KafkaBenchmark}. {@code seconds}
 * runs from the job's first lifecycle event (the dispatcher's {@code JobSubmitted}, after the
 * program's {@code main} built the graph) to its {@code FINISHED} event, by the events' own
 * timestamps: cluster start-up, upload and result reading are excluded. A job that does not finish
 * is a {@link CliException} (exit 1).
 *
 * <p>Used from the CLI's calling thread only.
 */
final class BenchSession implements AutoCloseable {

    static final String BENCH_JAR = "bench/target/flowmesh-bench.jar";
    static final String ENTRY_CLASS = "io.flowmesh.bench.jobs.BenchJob";
    private static final long POLL_MILLIS = 100;
    private static final Duration SUMMARY_TIMEOUT = Duration.ofSeconds(60);
    private static final long READY_SECONDS = 60;

    private final BenchOptions options;
    private final PrintStream progress;
    private final Path runDir;
    private final LocalClusterState cluster;
    private final LocalClusterOptions clusterOptions;
    private final Thread stopHook;
    private final DispatcherClient client;
    private final Artifact artifact;

    /** One finished job of a throughput or latency run: its id, duration by the lifecycle events, and the sink subtasks' summaries. */
    private record Job(String jobId, double seconds, List<Summary> summaries) {}

    /** The cluster's shape as its dispatcher reports it. */
    record Shape(int taskManagers, int slotsPerTaskManager) {}

    /** Checks the jar, then uses the running local cluster or starts one (see the class comment). */
    BenchSession(CliEnvironment env, BenchOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
        Path defaultJar = env.home().resolve(BENCH_JAR);
        if (options.jar == null && !Files.isRegularFile(defaultJar)) {
            throw new CliException("missing " + defaultJar + ": build it with ./mvnw -pl bench -am -DskipTests package (in "
                    + env.home() + ")");
        }
        Path benchJar = JobRunner.requireJar(options.jar != null ? options.jar : defaultJar);
        runDir = env.localRunDir();
        Optional<LocalClusterState> running = LocalCluster.status(runDir)
                .filter(s -> s.deadProcesses().isEmpty() && s.process("dispatcher").isPresent());
        clusterOptions = LocalClusterOptions.defaults(env.home()).withTaskManagers(options.taskManagers)
                .withSlotsPerTaskManager(options.slots).withHighAvailability(options.killsLeader());
        if (running.isPresent() && options.killsLeader()
                && running.get().process(options.kill.equals("dispatcher") ? "dispatcher-2" : "jobmanager-2").isEmpty()) {
            throw new CliException("--kill " + options.kill + " needs high availability, but the local cluster running in " + runDir
                    + " has none: stop it (flowmesh local down) or start it with flowmesh local up --ha");
        }
        if (running.isPresent()) {
            cluster = running.get();
            stopHook = null;
            progress.println("Using the local cluster running in " + runDir + ".");
        } else {
            progress.println("Starting a local cluster of " + options.taskManagers + " TaskManager(s) x " + options.slots
                    + " slot(s) for the benchmark ...");
            try {
                cluster = LocalCluster.up(clusterOptions, progress);
            } catch (LocalClusterException e) {
                throw new CliException("could not start the local cluster: " + e.getMessage());
            }
            stopHook = LocalCluster.stopOnExit(cluster);
        }
        DispatcherClient opened = null;
        try {
            opened = new DispatcherClient(CliEnvironment.dispatchers(cluster), null);
            artifact = opened.upload(benchJar);
            client = opened;
        } catch (RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            stopStartedCluster();
            throw e;
        }
    }

    @Override
    public void close() {
        client.close();
        stopStartedCluster();
    }

    private void stopStartedCluster() {
        if (stopHook != null) {
            progress.println("Stopping the local cluster the benchmark started ...");
            LocalCluster.down(runDir, progress);
            try {
                Runtime.getRuntime().removeShutdownHook(stopHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already exiting: the hook runs down again, which is idempotent
            }
        }
    }

    /** The cluster's TaskManagers and slots per TaskManager, from its dispatcher. */
    Shape shape() {
        ClusterOverview overview = overview(cluster.dispatcherAddress());
        int tms = overview.getTaskmanagersCount();
        return new Shape(tms, tms == 0 ? 0 : overview.getSlotsTotal() / tms);
    }

    /**
     * The overview once every TaskManager process of the cluster is registered and the job's slots
     * are free, or after {@value #READY_SECONDS} s as it is then: after W5 the TaskManager started
     * again registers, and a finished job's slots are released, a moment later.
     */
    private ClusterOverview readyOverview() {
        long taskManagers = cluster.processes().stream().filter(p -> p.role().startsWith("taskmanager-")).count();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        ClusterOverview overview = overview(cluster.dispatcherAddress());
        while ((overview.getTaskmanagersCount() < taskManagers || overview.getSlotsAvailable() < options.parallelism)
                && System.nanoTime() < deadline) {
            sleep(POLL_MILLIS, "waiting for the cluster's TaskManagers");
            overview = overview(cluster.dispatcherAddress());
        }
        return overview;
    }

    /**
     * Runs {@code workload} {@code runs} times over {@code n} records (ignored for latency, whose N is
     * rate × seconds) with checkpoints every {@code checkpointMillis} (0: none; W4 and W5 default to 1000).
     */
    WorkloadResult run(Workload workload, long n, long checkpointMillis, int runs) {
        long interval = workload.isKafkaToKafka() && checkpointMillis == 0 ? 1000 : checkpointMillis;
        long records = workload == Workload.LATENCY ? options.latencyRecords() : n;
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put(BenchmarkReport.CHECKPOINT_MS, interval);
        ClusterOverview overview = readyOverview();
        extras.put("taskmanagers", overview.getTaskmanagersCount());
        if (!workload.isKafkaToKafka()) {
            extras.put("slots_per_taskmanager", overview.getTaskmanagersCount() == 0 ? 0
                    : overview.getSlotsTotal() / overview.getTaskmanagersCount());
        }
        if (overview.getSlotsAvailable() < options.parallelism) {
            throw new CliException("the cluster has " + overview.getSlotsAvailable() + " free slot(s) of " + overview.getSlotsTotal()
                    + "; the benchmark needs " + options.parallelism + " (start one with more: flowmesh local down, then "
                    + "flowmesh bench --taskmanagers K --slots S)");
        }
        List<WorkloadResult.RunResult> done = new ArrayList<>();
        Map<String, Long> expected = null;
        KafkaBenchmark kafka = workload.isKafkaToKafka()
                ? new KafkaBenchmark(client, cluster, clusterOptions.withRunDir(cluster.runDir()), options.kill, options.configuration, progress) : null;
        if (kafka == null) {
            ensureTopic(cluster.kafkaBootstrap());
        }
        for (int r = 1; r <= runs; r++) {
            progress.printf("Run %d/%d: %s, %d records, parallelism %d, checkpoints every %d ms ...%n", r, runs, workload.label(),
                    records, options.parallelism, interval);
            WorkloadResult.RunResult run;
            if (kafka != null) {
                KafkaBenchmark.Result k = kafka.run(workload, records, artifact, options.parallelism, interval);
                run = new WorkloadResult.RunResult(k.jobId(), k.seconds(), k.correctness().ok(), k.correctness(), null, k.timings());
            } else {
                Job job = runOnce(workload, records, interval);
                if (workload == Workload.LATENCY) {
                    LatencyResult latency = LatencyResult.of(job.summaries());
                    boolean ok = latency.records() == records && latency.measured() > 0;
                    if (!ok) {
                        progress.println("Check failed in job " + job.jobId() + ": the sinks received " + latency.records()
                                + " records of " + records + ", measured " + latency.measured());
                    }
                    run = new WorkloadResult.RunResult(job.jobId(), job.seconds(), ok, null, latency, Map.of());
                } else {
                    if (expected == null) {
                        progress.println("Computing the expected values with a plain loop over " + records + " records ...");
                        expected = Correctness.expected(workload, records);
                    }
                    Correctness c = Correctness.of(workload, job.summaries(), expected);
                    run = new WorkloadResult.RunResult(job.jobId(), job.seconds(), c.ok(), c, null, Map.of());
                }
            }
            progress.printf("Run %d/%d: job %s finished in %.3f s%n", r, runs, run.jobId(), run.seconds());
            if (!run.ok() && run.correctness() != null) {
                progress.println("Check failed in job " + run.jobId() + ": " + String.join("; ", run.correctness().mismatches()));
            }
            done.add(run);
        }
        if (workload == Workload.W2) {
            extras.put("taskmanager_peak_rss_mb", peakRssMegabytes(cluster));
        }
        if (workload == Workload.LATENCY) {
            extras.put("warmup_s", options.warmupSeconds);
            extras.put("buffer_timeout_ms", 100L);
        }
        return new WorkloadResult(workload, "flowmesh-" + version(), records, options.parallelism, options.rate, extras, done);
    }

    private Job runOnce(Workload workload, long n, long checkpointMillis) {
        String runId = "bench-" + workload.label() + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Map<TopicPartition, Long> from = endOffsets(cluster.kafkaBootstrap());
        List<String> jobArgs = new ArrayList<>(List.of("--workload", workload.label()));
        if (workload == Workload.LATENCY) {
            jobArgs.addAll(List.of("--rate", Double.toString(options.rate), "--seconds", Long.toString(options.seconds),
                    "--warmup-seconds", Long.toString(options.warmupSeconds)));
        } else {
            jobArgs.addAll(List.of("--n", Long.toString(n)));
        }
        jobArgs.addAll(List.of("--run-id", runId));
        SubmitJobRequest.Builder request = SubmitJobRequest.newBuilder()
                .setArtifactUri(artifact.getUri())
                .setEntryClass(ENTRY_CLASS)
                .setParallelism(options.parallelism)
                .addAllArgs(jobArgs)
                .putAllConfiguration(options.configuration);
        if (checkpointMillis > 0) {
            request.putConfiguration("execution.checkpointing.interval", checkpointMillis + " ms");
        }
        SubmitJobResponse response = client.submit(request.build());
        String jobId = response.getJobId();
        progress.println("  job " + jobId + " (run id " + runId + ")");
        awaitFinished(client, jobId);
        double seconds = secondsFromEvents(client, jobId);
        List<Summary> summaries = readSummaries(cluster.kafkaBootstrap(), from, runId);
        return new Job(jobId, seconds, summaries);
    }

    /** Polls the job until it ends; a {@link CliException} naming the job and its failure cause unless it FINISHED. */
    static void awaitFinished(DispatcherClient client, String jobId) {
        JobDetails details = client.getJob(jobId);
        while (!Formats.TERMINAL.contains(details.getSummary().getStatus())) {
            sleep(POLL_MILLIS, "waiting for job " + jobId);
            details = client.getJob(jobId);
        }
        JobStatus status = details.getSummary().getStatus();
        if (status != JobStatus.FINISHED) {
            throw new CliException("benchmark job " + jobId + " ended " + Formats.jobStatus(status)
                    + (details.getFailureCause().isBlank() ? "" : ": " + details.getFailureCause().strip().lines().findFirst().orElse("")));
        }
    }

    /** From the first lifecycle event of the job to its FINISHED event, by their timestamps. */
    static double secondsFromEvents(DispatcherClient client, String jobId) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<LifecycleEvent> events = client.events(jobId).getEventsList();
            JobTimes t = times(events);
            if (t != null) {
                return (t.finished() - t.first()) / 1000.0;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException("job " + jobId + " is FINISHED but its lifecycle events show no FINISHED event");
            }
            sleep(POLL_MILLIS, "reading the events of job " + jobId);
        }
    }

    record JobTimes(long first, long finished) {}

    /** The first event's time and the job's FINISHED time, or null when the FINISHED event is not there yet. */
    static JobTimes times(List<LifecycleEvent> events) {
        long first = Long.MAX_VALUE;
        long finished = -1;
        for (LifecycleEvent e : events) {
            first = Math.min(first, e.getTimestampMs());
            if (e.hasJobStatusChanged() && e.getJobStatusChanged().getStatus() == JobStatus.FINISHED) {
                finished = e.getTimestampMs();
            }
        }
        return finished < 0 ? null : new JobTimes(first, finished);
    }

    private static ClusterOverview overview(String dispatcher) {
        int colon = dispatcher.lastIndexOf(':');
        ManagedChannel channel = NettyChannelBuilder.forAddress(dispatcher.substring(0, colon),
                Integer.parseInt(dispatcher.substring(colon + 1))).usePlaintext().build();
        try {
            return DispatcherServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getClusterOverview(Empty.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            throw new CliException("could not read the cluster overview: "
                    + DispatcherClient.describe(e.getStatus(), dispatcher, Duration.ofSeconds(30)));
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * Peak resident memory ({@code VmHWM}) of every TaskManager process of the cluster, in MiB, in
     * TaskManager order: the high-water mark since the process started (for a reused cluster,
     * earlier jobs count too).
     */
    static double[] peakRssMegabytes(LocalClusterState cluster) {
        return cluster.processes().stream().filter(p -> p.role().startsWith("taskmanager-"))
                .sorted(Comparator.comparing(ManagedProcess::role))
                .mapToDouble(p -> {
                    long kb = vmHwmKb(p.pid());
                    // launched through setsid: the JVM may be a child of the recorded PID
                    for (ProcessHandle child : ProcessHandle.of(p.pid()).map(h -> h.descendants().toList()).orElse(List.of())) {
                        kb = Math.max(kb, vmHwmKb(child.pid()));
                    }
                    return kb / 1024.0;
                }).toArray();
    }

    static long vmHwmKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return 0;
    }

    private static void ensureTopic(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        try (Admin admin = Admin.create(p)) {
            try {
                admin.createTopics(List.of(new NewTopic(Summary.TOPIC, 1, (short) 1))).all().get(15, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new CliException("could not create the topic " + Summary.TOPIC + " at " + bootstrap + ": " + e.getCause().getMessage());
                }
            }
            // a producer that writes before the broker applied the creation can stay on stale metadata
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!KafkaBenchmark.led(admin, Summary.TOPIC)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new CliException("the topic " + Summary.TOPIC + " at " + bootstrap + " has no leader 15 s after its creation");
                }
                Thread.sleep(50);
            }
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException("could not create the topic " + Summary.TOPIC + " at " + bootstrap + ": " + e);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowmesh-bench");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return new KafkaConsumer<>(p);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(Summary.TOPIC, Duration.ofSeconds(15));
        return infos == null ? List.of() : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    /** Where the results topic ends now: a run reads only what comes after. */
    private static Map<TopicPartition, Long> endOffsets(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = partitions(consumer);
            return partitions.isEmpty() ? Map.of() : new HashMap<>(consumer.endOffsets(partitions));
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new CliException("could not read " + Summary.TOPIC + " at " + bootstrap + ": " + e.getMessage());
        }
    }

    /** The summaries keyed {@code runId}, read from {@code from} until there is one per sink subtask. */
    private static List<Summary> readSummaries(String bootstrap, Map<TopicPartition, Long> from, String runId) {
        byte[] key = runId.getBytes(StandardCharsets.US_ASCII);
        List<Summary> found = new ArrayList<>();
        long deadline = System.nanoTime() + SUMMARY_TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                if (from.containsKey(tp)) {
                    consumer.seek(tp, from.get(tp));
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && java.util.Arrays.equals(r.key(), key)) {
                        found.add(Summary.parse(r.value()));
                    }
                }
                if (!found.isEmpty() && found.size() >= found.get(0).parallelism()) {
                    return found;
                }
            }
        } catch (org.apache.kafka.common.KafkaException | IllegalArgumentException e) {
            throw new CliException("could not read the results of run " + runId + " from " + Summary.TOPIC + ": " + e.getMessage());
        }
        throw new CliException("run " + runId + ": found " + found.size() + " summaries in " + Summary.TOPIC + " within "
                + SUMMARY_TIMEOUT.toSeconds() + " s, expected one per sink subtask");
    }

    private static String version() {
        String v = BenchSession.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    static void sleep(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while " + what);
        }
    }
}
