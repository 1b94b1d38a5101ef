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
import java.util.concurrent.Callable;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flowmesh bench}: runs a workload of {@code BENCHMARKS.md} on the local cluster and prints
 * exactly one JSON line on stdout (progress goes to stderr).
 *
 * <p>Uses the local cluster running in the default run dir, or starts one with
 * {@code --taskmanagers} × {@code --slots} and stops it at the end (also on Ctrl-C). Uploads
 * {@code bench/target/flowmesh-bench.jar}, submits it with a fresh run id, waits for the job's end,
 * reads the sink subtasks' summaries of that run id from the Kafka topic {@value Summary#TOPIC},
 * adds them up and compares them with the values {@link Correctness#expected} computes by plain
 * loops. {@code seconds} runs from the job's first lifecycle event (the dispatcher's
 * {@code JobSubmitted}, after the program's {@code main} built the graph) to its {@code FINISHED}
 * event, by the events' own timestamps: cluster start-up, upload and result reading are excluded.
 * With {@code --runs R} the line shows the median run and every run's seconds.
 *
 * <p>Exit codes: 0 every check passed; 2 a check failed (the mismatches on stderr); 1 an error (the
 * job failed, no cluster, no summaries).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Runs a benchmark workload of BENCHMARKS.md (W1, W2, W3 or latency) on the local cluster and prints "
                + "one JSON line: throughput and correctness, or latency percentiles.",
                "Uses the running local cluster, or starts one (--taskmanagers x --slots) and stops it afterwards. "
                        + "Exits 0 when every check passed, 2 when one failed, 1 on errors."},
        footer = {"", "Examples:",
                "  ./flowmesh bench W2 --n 20000000",
                "  ./flowmesh bench W1 --n 100000000 --taskmanagers 1 --slots 2 --runs 3",
                "  ./flowmesh bench W3 --taskmanagers 2 --slots 1",
                "  ./flowmesh bench W2 --n 20000000 --checkpoint-ms 1000",
                "  ./flowmesh bench W4 --n 20000000",
                "  ./flowmesh bench W5 --n 20000000",
                "  ./flowmesh bench latency --rate 200000 --seconds 60"})
final class BenchCommand implements Callable<Integer> {

    static final String BENCH_JAR = "bench/target/flowmesh-bench.jar";
    static final String ENTRY_CLASS = "io.flowmesh.bench.jobs.BenchJob";
    private static final long POLL_MILLIS = 100;
    private static final Duration SUMMARY_TIMEOUT = Duration.ofSeconds(60);

    @ParentCommand
    FlowmeshCli cli;

    @Parameters(index = "0", paramLabel = "<workload>", description = "W1, W2, W3, W4, W5 or latency.")
    String workloadName;

    @Option(names = "--n", paramLabel = "<records>",
            description = "Input records N. Default: BENCHMARKS.md's (W1 500000000, W2 100000000, W3 200000000, W4 and W5 20000000).")
    Long records;

    @Option(names = {"-p", "--parallelism"}, paramLabel = "<n>", defaultValue = "2", description = "Parallelism of the job.")
    int parallelism;

    @Option(names = "--taskmanagers", paramLabel = "<n>", defaultValue = "" + LocalClusterOptions.DEFAULT_TASKMANAGERS,
            description = "TaskManagers of the cluster started when none runs.")
    int taskManagers;

    @Option(names = "--slots", paramLabel = "<n>", defaultValue = "" + LocalClusterOptions.DEFAULT_SLOTS,
            description = "Slots per TaskManager of the cluster started when none runs.")
    int slots;

    @Option(names = "--runs", paramLabel = "<n>", defaultValue = "1",
            description = "Runs of a throughput workload; the line shows the median one.")
    int runs;

    @Option(names = "--rate", paramLabel = "<records/s>", defaultValue = "200000", description = "latency: total generator rate.")
    double rate;

    @Option(names = "--seconds", paramLabel = "<s>", defaultValue = "60", description = "latency: how long the generator runs.")
    long seconds;

    @Option(names = "--warmup-seconds", paramLabel = "<s>", defaultValue = "10",
            description = "latency: records created in the first seconds are not measured.")
    long warmupSeconds;

    @Option(names = "--checkpoint-ms", paramLabel = "<ms>", defaultValue = "0",
            description = "Exactly-once checkpoints every <ms> milliseconds (execution.checkpointing.interval); 0: none "
                    + "(W4 and W5: 1000).")
    long checkpointMillis;

    @Option(names = "--jar", paramLabel = "<jar>", description = "The benchmark job jar. Default: <flowmesh home>/" + BENCH_JAR + ".")
    Path jar;

    /** One finished run: its job, duration by the lifecycle events, and the sink subtasks' summaries. */
    record Run(String jobId, double seconds, List<Summary> summaries) {}

    @Override
    public Integer call() {
        Workload workload;
        try {
            workload = Workload.parse(workloadName);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
        validate(workload);
        Path defaultJar = cli.env.home().resolve(BENCH_JAR);
        if (jar == null && !Files.isRegularFile(defaultJar)) {
            throw new CliException("missing " + defaultJar + ": build it with ./mvnw -pl bench -am -DskipTests package (in "
                    + cli.env.home() + ")");
        }
        Path benchJar = JobRunner.requireJar(jar != null ? jar : defaultJar);
        PrintStream progress = cli.err;
        Path runDir = cli.env.localRunDir();
        Optional<LocalClusterState> running = LocalCluster.status(runDir)
                .filter(s -> s.deadProcesses().isEmpty() && s.process("dispatcher").isPresent());
        LocalClusterState cluster;
        Thread stopHook = null;
        LocalClusterOptions options = LocalClusterOptions.defaults(cli.env.home()).withTaskManagers(taskManagers).withSlotsPerTaskManager(slots);
        if (running.isPresent()) {
            cluster = running.get();
            progress.println("Using the local cluster running in " + runDir + ".");
        } else {
            progress.println("Starting a local cluster of " + taskManagers + " TaskManager(s) x " + slots + " slot(s) for the benchmark ...");
            try {
                cluster = LocalCluster.up(options, progress);
            } catch (LocalClusterException e) {
                throw new CliException("could not start the local cluster: " + e.getMessage());
            }
            stopHook = LocalCluster.stopOnExit(cluster);
        }
        try {
            return workload.isKafkaToKafka() ? kafkaBenchmark(workload, benchJar, cluster, options, progress)
                    : benchmark(workload, benchJar, cluster, progress);
        } finally {
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
    }

    private void validate(Workload workload) {
        if (parallelism < 1) {
            throw new CliException("--parallelism must be >= 1, was " + parallelism, 2);
        }
        if (runs < 1) {
            throw new CliException("--runs must be >= 1, was " + runs, 2);
        }
        if (checkpointMillis != 0 && checkpointMillis < 10) {
            throw new CliException("--checkpoint-ms must be 0 (no checkpoints) or at least 10, was " + checkpointMillis, 2);
        }
        if (records != null && records < 1) {
            throw new CliException("--n must be >= 1, was " + records, 2);
        }
        if (taskManagers < 1 || slots < 1) {
            throw new CliException("--taskmanagers and --slots must be >= 1", 2);
        }
        if (workload == Workload.LATENCY && (rate <= 0 || seconds < 1 || warmupSeconds < 0 || warmupSeconds >= seconds)) {
            throw new CliException("latency needs --rate > 0, --seconds >= 1 and 0 <= --warmup-seconds < --seconds", 2);
        }
    }

    private int benchmark(Workload workload, Path benchJar, LocalClusterState cluster, PrintStream progress) {
        long n = workload == Workload.LATENCY ? (long) (rate * seconds) : records != null ? records : workload.defaultRecords();
        List<String> args = new ArrayList<>(List.of("--workload", workload.label()));
        if (workload == Workload.LATENCY) {
            args.addAll(List.of("--rate", Double.toString(rate), "--seconds", Long.toString(seconds),
                    "--warmup-seconds", Long.toString(warmupSeconds)));
        } else {
            args.addAll(List.of("--n", Long.toString(n)));
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put(BenchmarkReport.CHECKPOINT_MS, checkpointMillis);
        ClusterOverview overview = overview(cluster.dispatcherAddress());
        extras.put("taskmanagers", overview.getTaskmanagersCount());
        extras.put("slots_per_taskmanager", overview.getTaskmanagersCount() == 0 ? 0
                : overview.getSlotsTotal() / overview.getTaskmanagersCount());
        if (overview.getSlotsAvailable() < parallelism) {
            throw new CliException("the cluster has " + overview.getSlotsAvailable() + " free slot(s) of " + overview.getSlotsTotal()
                    + "; the benchmark needs " + parallelism + " (start one with more: flowmesh local down, then "
                    + "flowmesh bench --taskmanagers K --slots S)");
        }
        ensureTopic(cluster.kafkaBootstrap());
        int runCount = workload == Workload.LATENCY ? 1 : runs;
        List<Run> done = new ArrayList<>();
        try (DispatcherClient client = new DispatcherClient(cluster.dispatcherAddress())) {
            Artifact artifact = client.upload(benchJar);
            for (int r = 1; r <= runCount; r++) {
                progress.printf("Run %d/%d: %s, %d records, parallelism %d ...%n", r, runCount, workload.label(), n, parallelism);
                Run run = runOnce(client, cluster, artifact, workload, args, progress);
                progress.printf("Run %d/%d: job %s finished in %.3f s%n", r, runCount, run.jobId(), run.seconds());
                done.add(run);
            }
        }
        String engine = "flowmesh-" + version();
        if (workload == Workload.LATENCY) {
            Run run = done.get(0);
            LatencyResult result = LatencyResult.of(run.summaries());
            boolean ok = result.records() == n && result.measured() > 0;
            if (!ok) {
                progress.println("Check failed: the sinks received " + result.records() + " records of " + n + ", measured "
                        + result.measured());
            }
            extras.put("warmup_s", warmupSeconds);
            extras.put("buffer_timeout_ms", 100L);
            cli.out.println(BenchmarkReport.latency(engine, n, run.seconds(), rate, result, ok, parallelism, extras));
            return ok ? 0 : 2;
        }
        progress.println("Computing the expected values with a plain loop over " + n + " records ...");
        Map<String, Long> expected = Correctness.expected(workload, n);
        boolean ok = true;
        for (Run run : done) {
            Correctness c = Correctness.of(workload, run.summaries(), expected);
            if (!c.ok()) {
                ok = false;
                progress.println("Check failed in job " + run.jobId() + ": " + String.join("; ", c.mismatches()));
            }
        }
        List<Run> bySeconds = new ArrayList<>(done);
        bySeconds.sort(Comparator.comparingDouble(Run::seconds));
        Run median = bySeconds.get((bySeconds.size() - 1) / 2);
        if (workload == Workload.W2) {
            extras.put("taskmanager_peak_rss_mb", peakRssMegabytes(cluster));
        }
        if (runCount > 1) {
            extras.put("runs", runCount);
            extras.put("seconds_all", done.stream().mapToDouble(Run::seconds).toArray());
        }
        Correctness shown = Correctness.of(workload, median.summaries(), expected);
        cli.out.println(BenchmarkReport.throughput(workload, engine, n, median.seconds(), shown, ok, parallelism, extras));
        return ok ? 0 : 2;
    }

    /**
     * W4/W5 ({@link KafkaBenchmark}). A cluster that was running already is assumed to have been
     * started with the default options (W5 starts the killed TaskManager again with them).
     */
    private int kafkaBenchmark(Workload workload, Path benchJar, LocalClusterState cluster, LocalClusterOptions options, PrintStream progress) {
        long n = records != null ? records : workload.defaultRecords();
        long interval = checkpointMillis > 0 ? checkpointMillis : 1000;
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put(BenchmarkReport.CHECKPOINT_MS, interval);
        ClusterOverview overview = overview(cluster.dispatcherAddress());
        extras.put("taskmanagers", overview.getTaskmanagersCount());
        if (overview.getSlotsAvailable() < parallelism) {
            throw new CliException("the cluster has " + overview.getSlotsAvailable() + " free slot(s); the benchmark needs " + parallelism);
        }
        List<KafkaBenchmark.Result> done = new ArrayList<>();
        try (DispatcherClient client = new DispatcherClient(cluster.dispatcherAddress())) {
            Artifact artifact = client.upload(benchJar);
            KafkaBenchmark bench = new KafkaBenchmark(client, cluster, options.withRunDir(cluster.runDir()), progress);
            for (int r = 1; r <= runs; r++) {
                progress.printf("Run %d/%d: %s, %d records, parallelism %d, checkpoints every %d ms ...%n", r, runs, workload.label(), n,
                        parallelism, interval);
                KafkaBenchmark.Result result = bench.run(workload, n, artifact, parallelism, interval);
                progress.printf("Run %d/%d: job %s finished in %.3f s%n", r, runs, result.jobId(), result.seconds());
                if (!result.correctness().ok()) {
                    progress.println("Check failed in job " + result.jobId() + ": " + String.join("; ", result.correctness().mismatches()));
                }
                done.add(result);
            }
        }
        boolean ok = done.stream().allMatch(r -> r.correctness().ok());
        List<KafkaBenchmark.Result> bySeconds = new ArrayList<>(done);
        bySeconds.sort(Comparator.comparingDouble(KafkaBenchmark.Result::seconds));
        KafkaBenchmark.Result median = bySeconds.get((bySeconds.size() - 1) / 2);
        extras.putAll(median.timings());
        if (runs > 1) {
            extras.put("runs", runs);
            extras.put("seconds_all", done.stream().mapToDouble(KafkaBenchmark.Result::seconds).toArray());
        }
        cli.out.println(BenchmarkReport.throughput(workload, "flowmesh-" + version(), n, median.seconds(), median.correctness(), ok, parallelism,
                extras));
        return ok ? 0 : 2;
    }

    private Run runOnce(DispatcherClient client, LocalClusterState cluster, Artifact artifact, Workload workload, List<String> args,
            PrintStream progress) {
        String runId = "bench-" + workload.label() + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Map<TopicPartition, Long> from = endOffsets(cluster.kafkaBootstrap());
        List<String> jobArgs = new ArrayList<>(args);
        jobArgs.addAll(List.of("--run-id", runId));
        SubmitJobRequest.Builder request = SubmitJobRequest.newBuilder()
                .setArtifactUri(artifact.getUri())
                .setEntryClass(ENTRY_CLASS)
                .setParallelism(parallelism)
                .addAllArgs(jobArgs);
        if (checkpointMillis > 0) {
            request.putConfiguration("execution.checkpointing.interval", checkpointMillis + " ms");
        }
        SubmitJobResponse response = client.submit(request.build());
        String jobId = response.getJobId();
        progress.println("  job " + jobId + " (run id " + runId + ")");
        JobDetails details = awaitTerminal(client, jobId);
        JobStatus status = details.getSummary().getStatus();
        if (status != JobStatus.FINISHED) {
            throw new CliException("benchmark job " + jobId + " ended " + Formats.jobStatus(status)
                    + (details.getFailureCause().isBlank() ? "" : ": " + details.getFailureCause().strip().lines().findFirst().orElse("")));
        }
        double seconds = secondsFromEvents(client, jobId);
        List<Summary> summaries = readSummaries(cluster.kafkaBootstrap(), from, runId);
        return new Run(jobId, seconds, summaries);
    }

    private static JobDetails awaitTerminal(DispatcherClient client, String jobId) {
        while (true) {
            JobDetails details = client.getJob(jobId);
            if (Formats.TERMINAL.contains(details.getSummary().getStatus())) {
                return details;
            }
            sleep(POLL_MILLIS, "waiting for job " + jobId);
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
            while (!led(admin)) {
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

    /** Whether the summary topic's partition has a leader; false while the broker does not know the topic yet. */
    private static boolean led(Admin admin) throws Exception {
        try {
            return admin.describeTopics(List.of(Summary.TOPIC)).allTopicNames().get(15, TimeUnit.SECONDS).get(Summary.TOPIC)
                    .partitions().stream().allMatch(part -> part.leader() != null && !part.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
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
        String v = BenchCommand.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    private static void sleep(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while " + what);
        }
    }
}
