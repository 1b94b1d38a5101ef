package io.flowmesh.cli;

import io.flowmesh.bench.jobs.BenchJob;
import io.flowmesh.bench.results.Ascii;
import io.flowmesh.bench.results.Correctness;
import io.flowmesh.bench.results.Generator;
import io.flowmesh.bench.results.KafkaCountCheck;
import io.flowmesh.bench.results.Workload;
import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.LocalClusterException;
import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import io.flowmesh.local.ManagedProcess;
import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.CheckpointStats;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.SubmitJobRequest;
import io.flowmesh.proto.SubtaskDetails;
import io.flowmesh.proto.VertexDetails;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * W4 and W5 of {@code BENCHMARKS.md} on the local cluster: preloads topic {@code in} with N
 * generator records (4 partitions; reused when it already holds exactly N), recreates {@code out},
 * runs the exactly-once Kafka-to-Kafka count with checkpoints, and checks {@code out} with a
 * {@code read_committed} consumer ({@link KafkaCountCheck}). W5 also kills a TaskManager with
 * {@code kill -9} once every subtask runs, at least 10 s passed and a checkpoint completed, starts
 * it again at once, and reports {@code failure_detected_s} (to the job's RESTARTING event),
 * {@code recovery_s} (to the last subtask RUNNING in the new attempt) and
 * {@code first_checkpoint_after_kill_s} (to the completion of the first checkpoint triggered after
 * the kill), by the events' own timestamps.
 */
final class KafkaBenchmark {
    static final int PARTITIONS = 4;
    private static final Duration KILL_AFTER = Duration.ofSeconds(10);

    private final DispatcherClient client;
    private final LocalClusterState cluster;
    private final LocalClusterOptions restartOptions;
    /** W5's victim: taskmanager, or (HA) the leading jobmanager, dispatcher or coordinator. */
    private final String kill;
    private final Map<String, String> configuration;
    /** W5 --kill dispatcher: seconds from the kill until a standby leads, and until it answers a submission-free call. */
    private final Map<String, Object> dispatcherTimings = new LinkedHashMap<>();
    private final PrintStream progress;

    /** @param restartOptions the options the cluster was started with (W5 starts the killed TaskManager with them) */
    KafkaBenchmark(DispatcherClient client, LocalClusterState cluster, LocalClusterOptions restartOptions, String kill,
            Map<String, String> configuration, PrintStream progress) {
        this.kill = kill;
        this.configuration = configuration;
        this.client = client;
        this.cluster = cluster;
        this.restartOptions = restartOptions;
        this.progress = progress;
    }

    /** One finished run: the job, its seconds, the output check, and W5's timings (empty for W4). */
    record Result(String jobId, double seconds, Correctness correctness, Map<String, Object> timings) {}

    Result run(Workload workload, long n, Artifact artifact, int parallelism, long checkpointMillis) {
        preloadInput(n);
        recreate(BenchJob.OUT_TOPIC);
        String runId = workload.label() + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        SubmitJobRequest.Builder request = SubmitJobRequest.newBuilder().setArtifactUri(artifact.getUri()).setEntryClass(BenchSession.ENTRY_CLASS)
                .setParallelism(parallelism).addAllArgs(List.of("--workload", workload.label(), "--n", Long.toString(n), "--run-id", runId))
                .putAllConfiguration(configuration)
                .putConfiguration("execution.checkpointing.interval", checkpointMillis + " ms");
        if (workload == Workload.W5) {
            // as BENCHMARKS.md ran Flink: fixed-delay restart 1 s
            request.putConfiguration("restart-strategy.type", "fixed-delay")
                    .putConfiguration("restart-strategy.fixed-delay.attempts", "5")
                    .putConfiguration("restart-strategy.fixed-delay.delay", "1 s");
        }
        String jobId = client.submit(request.build()).getJobId();
        progress.println("  job " + jobId + " (run id " + runId + ")");
        Map<String, Object> timings = new LinkedHashMap<>();
        long killedAt = workload == Workload.W5 ? killAndRestartTaskManager(jobId) : -1;
        BenchSession.awaitFinished(client, jobId);
        if (workload == Workload.W5) {
            timings.putAll(recoveryTimings(jobId, killedAt));
            timings.putAll(dispatcherTimings);
        }
        double seconds = BenchSession.secondsFromEvents(client, jobId);
        progress.println("  reading " + BenchJob.OUT_TOPIC + " (read_committed) ...");
        KafkaCountCheck check = readOutput(n);
        return new Result(jobId, seconds, check.correctness(n), timings);
    }

    /** Waits for W5's moment, kills a TaskManager that runs subtasks of the job, starts it again; returns the kill time (epoch ms). */
    private long killAndRestartTaskManager(String jobId) {
        long runningSince = -1;
        while (true) {
            JobDetails d = client.getJob(jobId);
            JobStatus s = d.getSummary().getStatus();
            if (Formats.TERMINAL.contains(s)) {
                throw new CliException("W5: job " + jobId + " ended (" + Formats.jobStatus(s) + ") before the kill; use a larger --n");
            }
            boolean allRunning = s == JobStatus.RUNNING && !d.getVerticesList().isEmpty() && d.getVerticesList().stream()
                    .flatMap(v -> v.getSubtasksList().stream()).allMatch(t -> t.getState() == ExecutionState.EXECUTION_RUNNING);
            long now = System.currentTimeMillis();
            if (!allRunning) {
                runningSince = -1;
            } else if (runningSince < 0) {
                runningSince = now;
            }
            if (allRunning && now - runningSince >= KILL_AFTER.toMillis() && client.listCheckpoints(jobId).getLatestCompletedId() > 0) {
                String role = kill.equals("taskmanager") ? victim(d) : LocalCluster.leaderRole(cluster, kill)
                        .orElseThrow(() -> new CliException("W5: no " + kill + " leads (is the cluster started with --ha?)"));
                ManagedProcess tm = LocalCluster.status(cluster.runDir()).flatMap(c -> c.process(role))
                        .orElseThrow(() -> new CliException("W5: no process " + role + " in the local cluster"));
                progress.println("  kill -9 " + role + (kill.equals("taskmanager") ? "" : " (the leader)") + " (pid " + tm.pid() + ")");
                long killedAt = System.currentTimeMillis();
                kill9(tm.pid());
                if (kill.equals("dispatcher")) {
                    awaitNewDispatcherLeader(role, killedAt);
                }
                try {
                    LocalCluster.restartService(restartOptions, role, progress);
                } catch (LocalClusterException e) {
                    throw new CliException("W5: could not start " + role + " again: " + e.getMessage());
                }
                return killedAt;
            }
            BenchSession.sleep(100, "waiting for job " + jobId);
        }
    }

    /**
     * After the leading dispatcher was killed: waits until another dispatcher holds the lease
     * ({@code dispatcher_leader_s}) and answers a call through the failing-over client
     * ({@code dispatcher_answers_s}: the job's details from the new leader).
     */
    private void awaitNewDispatcherLeader(String killed, long killedAt) {
        long deadline = System.currentTimeMillis() + DispatcherClient.FAILOVER_TIMEOUT.toMillis();
        Optional<String> leader = Optional.empty();
        while (leader.isEmpty() || leader.get().equals(killed)) {
            if (System.currentTimeMillis() > deadline) {
                throw new CliException("W5: no standby dispatcher took the lease within " + DispatcherClient.FAILOVER_TIMEOUT.toSeconds() + " s");
            }
            BenchSession.sleep(50, "waiting for a new dispatcher leader");
            leader = LocalCluster.leaderRole(cluster, "dispatcher");
        }
        double leads = (System.currentTimeMillis() - killedAt) / 1000.0;
        client.listJobs(true);
        double answers = (System.currentTimeMillis() - killedAt) / 1000.0;
        progress.printf("  %s leads %.1f s after the kill, answers at %.1f s (via %s)%n", leader.get(), leads, answers, client.address());
        dispatcherTimings.put("dispatcher_leader_s", leads);
        dispatcherTimings.put("dispatcher_answers_s", answers);
    }

    /** The TaskManager of the job's last subtask (a TaskManager that runs some of it). */
    private static String victim(JobDetails d) {
        List<SubtaskDetails> all = d.getVerticesList().stream().flatMap(v -> v.getSubtasksList().stream()).toList();
        return all.get(all.size() - 1).getTaskmanagerId();
    }

    private static void kill9(long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new CliException("W5: kill -9 " + pid + " failed");
            }
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        } catch (java.io.IOException e) {
            throw new CliException("W5: cannot run kill: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private Map<String, Object> recoveryTimings(String jobId, long killedAt) {
        List<LifecycleEvent> events = client.events(jobId).getEventsList();
        long restarting = -1;
        int newAttempt = -1;
        for (LifecycleEvent e : events) {
            if (e.hasJobStatusChanged() && e.getTimestampMs() >= killedAt) {
                if (restarting < 0 && e.getJobStatusChanged().getStatus() == JobStatus.RESTARTING) {
                    restarting = e.getTimestampMs();
                }
                if (restarting < 0 && e.getJobStatusChanged().getStatus() == JobStatus.RUNNING) {
                    restarting = e.getTimestampMs(); // a new JobManager leader redeploys without RESTARTING
                }
                if (newAttempt < 0 && e.getJobStatusChanged().getStatus() == JobStatus.RUNNING) {
                    newAttempt = e.getJobStatusChanged().getAttempt();
                }
            }
        }
        long lastRunning = -1;
        for (LifecycleEvent e : events) {
            if (e.hasTaskStatusChanged() && e.getTaskStatusChanged().getAttempt() == newAttempt
                    && e.getTaskStatusChanged().getState() == ExecutionState.EXECUTION_RUNNING) {
                lastRunning = Math.max(lastRunning, e.getTimestampMs());
            }
        }
        long firstCheckpoint = -1;
        CheckpointHistory history = client.listCheckpoints(jobId);
        for (CheckpointStats c : history.getCheckpointsList()) {
            if (c.getStatus() == CheckpointStatus.CHECKPOINT_COMPLETED && c.getTriggerTimestampMs() > killedAt) {
                long completed = c.getTriggerTimestampMs() + c.getDurationMs();
                firstCheckpoint = firstCheckpoint < 0 ? completed : Math.min(firstCheckpoint, completed);
            }
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("failure_detected_s", restarting < 0 ? -1.0 : (restarting - killedAt) / 1000.0);
        t.put("recovery_s", lastRunning < 0 ? -1.0 : (lastRunning - killedAt) / 1000.0);
        t.put("first_checkpoint_after_kill_s", firstCheckpoint < 0 ? -1.0 : (firstCheckpoint - killedAt) / 1000.0);
        return t;
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    /** Topic {@code in} with exactly the generator's N records: reused when it holds N, else (re)written. */
    private void preloadInput(long n) {
        String in = BenchJob.IN_TOPIC;
        try (Admin admin = admin()) {
            if (admin.listTopics().names().get().contains(in) && records(in) == n) {
                progress.println("  topic " + in + " already holds " + n + " records: reused");
                return;
            }
        } catch (Exception e) {
            throw new CliException("cannot inspect topic " + in + ": " + e.getMessage());
        }
        recreate(in);
        progress.println("  writing " + n + " records to topic " + in + " ...");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> window = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                // round robin over the partitions, so each holds a quarter in generator order
                window.add(producer.send(new ProducerRecord<>(in, (int) (i % PARTITIONS), Ascii.bytes(Generator.key(i)),
                        Ascii.bytes(Generator.value(i)))));
                if (window.size() == 100_000) {
                    for (Future<RecordMetadata> f : window) {
                        f.get();
                    }
                    window.clear();
                }
            }
            for (Future<RecordMetadata> f : window) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while writing topic " + in);
        } catch (ExecutionException e) {
            throw new CliException("cannot write topic " + in + ": " + e.getCause().getMessage());
        }
    }

    private long records(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(false)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
            return c.endOffsets(parts).entrySet().stream().mapToLong(e -> e.getValue() - begin.get(e.getKey())).sum();
        }
    }

    /** Deletes the topic if it exists and creates it again with {@value #PARTITIONS} partitions, each with a leader. */
    private void recreate(String topic) {
        try (Admin admin = admin()) {
            if (admin.listTopics().names().get().contains(topic)) {
                admin.deleteTopics(List.of(topic)).all().get();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (admin.listTopics().names().get().contains(topic)) {
                    if (System.nanoTime() > deadline) {
                        throw new CliException("topic " + topic + " was not deleted within 30 s");
                    }
                    BenchSession.sleep(100, "deleting topic " + topic);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
                    break;
                } catch (ExecutionException e) {
                    // a deletion the broker has not finished yet
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    BenchSession.sleep(200, "creating topic " + topic);
                }
            }
            while (!led(admin, topic)) {
                if (System.nanoTime() > deadline) {
                    throw new CliException("topic " + topic + " has partitions without a leader 30 s after its creation");
                }
                BenchSession.sleep(50, "creating topic " + topic);
            }
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException("cannot recreate topic " + topic + " at " + cluster.kafkaBootstrap() + ": " + e.getMessage());
        }
    }

    /** Whether every partition of the topic has a leader; false while the broker does not know the topic yet. */
    static boolean led(Admin admin, String topic) throws Exception {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(boolean readCommitted) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        if (readCommitted) {
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Everything committed to {@code out}: until N records were read, or nothing came for 10 s. */
    private KafkaCountCheck readOutput(long n) {
        KafkaCountCheck check = new KafkaCountCheck(n);
        try (KafkaConsumer<byte[], byte[]> c = consumer(true)) {
            String out = BenchJob.OUT_TOPIC;
            List<TopicPartition> parts = c.partitionsFor(out, Duration.ofSeconds(10)).stream().map(i -> new TopicPartition(out, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long last = System.nanoTime();
            while (check.records() < n && System.nanoTime() - last < TimeUnit.SECONDS.toNanos(10)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    check.accept(Ascii.parseLong(r.key()), Ascii.parseLong(r.value()));
                    last = System.nanoTime();
                }
            }
            // anything beyond N is a duplicate or worse: read what is there without waiting long
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                check.accept(Ascii.parseLong(r.key()), Ascii.parseLong(r.value()));
            }
        }
        return check;
    }
}
