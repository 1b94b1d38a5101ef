package io.flowmesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.JobStatusChanged;
import io.flowmesh.proto.LifecycleEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The input, the expected output and the cluster's topics of {@code ExactlyOnceCountExample} runs
 * on a real cluster: record i of the input is key(i) → i on a topic of 4 partitions; for a key with
 * n records a correct run writes the counts 1..n, once each. The expected values are computed here
 * from the input alone, not by the code under test.
 */
final class CountJob {
    static final String EXAMPLE_CLASS = "io.flowmesh.examples.ExactlyOnceCountExample";
    static final String CHECKPOINTS_TOPIC = "flowmesh.checkpoints";
    static final String LIFECYCLE_TOPIC = "flowmesh.lifecycle";
    static final int KEYS = 100;
    static final int PARTITIONS = 4;

    private CountJob() {}

    static String key(int i) {
        return Integer.toString((i * 31 + 7) % KEYS);
    }

    /** Creates the topics (4 partitions each), waits for their leaders, and writes records 0..records-1 into {@code in}. */
    static void prepare(String kafka, int records, String in, String... outs) throws Exception {
        List<String> all = new ArrayList<>(List.of(in));
        all.addAll(List.of(outs));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
            admin.createTopics(all.stream().map(t -> new NewTopic(t, PARTITIONS, (short) 1)).toList()).all().get();
            // KRaft acknowledges the creation before the broker applied it: wait for the leaders
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!led(admin, all)) {
                assertThat(System.nanoTime()).as("partition leaders of " + all).isLessThan(deadline);
                Thread.sleep(50);
            }
            // the leader in the metadata may not serve the partition yet (NOT_LEADER_OR_FOLLOWER, and an
            // idempotent producer that retried then fails with out-of-order sequences): ask the leaders
            admin.listOffsets(partitions(all, OffsetSpec.latest())).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                sent.add(producer.send(new ProducerRecord<>(in, key(i).getBytes(StandardCharsets.US_ASCII),
                        Integer.toString(i).getBytes(StandardCharsets.US_ASCII))));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
            long written = admin.listOffsets(partitions(List.of(in), OffsetSpec.latest())).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
            assertThat(written).as("records in " + in).isEqualTo(records);
        }
    }

    private static Map<TopicPartition, OffsetSpec> partitions(List<String> topics, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> map = new HashMap<>();
        for (String t : topics) {
            for (int p = 0; p < PARTITIONS; p++) {
                map.put(new TopicPartition(t, p), spec);
            }
        }
        return map;
    }

    private static boolean led(Admin admin, List<String> topics) throws Exception {
        try {
            return admin.describeTopics(topics).allTopicNames().get().values().stream().flatMap(d -> d.partitions().stream())
                    .allMatch(part -> part.leader() != null && !part.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // the broker has not applied the creation yet
            }
            throw e;
        }
    }

    /** The values i of the input records of each key, in input (= partition) order. */
    static Map<String, List<Integer>> inputByKey(int records) {
        Map<String, List<Integer>> byKey = new HashMap<>();
        for (int i = 0; i < records; i++) {
            byKey.computeIfAbsent(key(i), k -> new ArrayList<>()).add(i);
        }
        return byKey;
    }

    /** For each key with n records: the counts 1..n, as "key=count", sorted. */
    static List<String> expectedCounts(int records) {
        List<String> expected = new ArrayList<>();
        inputByKey(records).forEach((k, values) -> {
            for (int c = 1; c <= values.size(); c++) {
                expected.add(k + "=" + c);
            }
        });
        expected.sort(null);
        return expected;
    }

    /** The committed (read_committed) records of {@code out} as "key=value", sorted. */
    static List<String> committedOutput(String kafka, String out, int atMost) {
        List<String> actual = new ArrayList<>(Topics.readAll(kafka, out, atMost + 1, Duration.ofSeconds(5),
                r -> Topics.text(r.key()) + "=" + Topics.text(r.value())));
        actual.sort(null);
        return actual;
    }

    /** {@code actual} holds no record twice and equals {@code expected} (both sorted). */
    static void assertExactly(List<String> actual, List<String> expected, String what) {
        Map<String, Integer> balance = new HashMap<>();
        expected.forEach(r -> balance.merge(r, 1, Integer::sum));
        actual.forEach(r -> balance.merge(r, -1, Integer::sum));
        List<String> missing = balance.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).sorted().toList();
        List<String> extra = balance.entrySet().stream().filter(e -> e.getValue() < 0).map(Map.Entry::getKey).sorted().toList();
        assertThat(missing.size() + extra.size()).as(what + ": " + actual.size() + " records, " + expected.size() + " expected; "
                + missing.size() + " missing, first " + missing.subList(0, Math.min(20, missing.size())) + "; " + extra.size()
                + " too many (twice or wrong), first " + extra.subList(0, Math.min(20, extra.size()))).isZero();
        assertThat(actual).as(what).isEqualTo(expected);
    }

    /**
     * The per-key counts of a committed count output that stopped early: asserts that each key's
     * counts are exactly 1..c (none twice, none skipped) and returns c per key (0 for keys absent).
     */
    static Map<String, Integer> prefixCounts(List<String> committedCounts, int records) {
        Map<String, Integer> last = new HashMap<>();
        inputByKey(records).keySet().forEach(k -> last.put(k, 0));
        for (String r : committedCounts) {
            int eq = r.indexOf('=');
            last.merge(r.substring(0, eq), 1, Integer::sum);
        }
        List<String> expected = new ArrayList<>();
        last.forEach((k, c) -> {
            for (int i = 1; i <= c; i++) {
                expected.add(k + "=" + i);
            }
        });
        expected.sort(null);
        assertExactly(committedCounts, expected, "the counts 1..c_k of every key up to the savepoint");
        return last;
    }

    /**
     * Waits until {@code topic} holds at least one record, committed or not (its high watermark,
     * which read_uncommitted consumers read up to, is above 0).
     */
    static void awaitAnyRecord(String kafka, String topic, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
            while (admin.listOffsets(partitions(List.of(topic), OffsetSpec.latest())).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum() == 0) {
                assertThat(System.nanoTime()).as("a record in " + topic + " within " + timeout).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    /** Every checkpoint event of the job on the checkpoints topic so far, in topic order. */
    static List<CheckpointEvent> checkpointEvents(String kafka, String jobId) {
        return Topics.readAll(kafka, CHECKPOINTS_TOPIC, Integer.MAX_VALUE, Duration.ofSeconds(2), r -> parse(r.value()))
                .stream().filter(e -> e != null && e.getJobId().equals(jobId)).toList();
    }

    /** Waits until a checkpoint event of the job matching {@code which} is on the topic; returns the first. */
    static CheckpointEvent awaitCheckpointEvent(String kafka, String jobId, Duration timeout, String what, Predicate<CheckpointEvent> which) {
        List<CheckpointEvent> seen = Topics.readUntil(kafka, CHECKPOINTS_TOPIC, timeout, r -> {
            CheckpointEvent e = parse(r.value());
            return e != null && e.getJobId().equals(jobId) && which.test(e) ? e : null;
        });
        assertThat(seen).as(what + " of job " + jobId + " within " + timeout).isNotEmpty();
        return seen.get(0);
    }

    /** Waits until a checkpoint (or savepoint) of the job with an id above {@code afterId} completed. */
    static CheckpointEvent awaitCompletedCheckpoint(String kafka, String jobId, long afterId, Duration timeout) {
        return awaitCheckpointEvent(kafka, jobId, timeout, "a completed checkpoint with id > " + afterId,
                e -> e.hasCompleted() && e.getCheckpointId() > afterId);
    }

    /** The job's JobStatusChanged events on the lifecycle topic so far, in order. */
    static List<JobStatusChanged> jobStatusChanges(String kafka, String jobId) {
        return Topics.readAll(kafka, LIFECYCLE_TOPIC, Integer.MAX_VALUE, Duration.ofSeconds(2), r -> {
            try {
                LifecycleEvent e = LifecycleEvent.parseFrom(r.value());
                return e.getJobId().equals(jobId) && e.hasJobStatusChanged() ? e.getJobStatusChanged() : null;
            } catch (Exception ex) {
                return null;
            }
        }).stream().filter(Objects::nonNull).toList();
    }

    /** The job's events on the lifecycle topic so far, in order. */
    static List<LifecycleEvent> lifecycleEvents(String kafka, String jobId) {
        return Topics.readAll(kafka, LIFECYCLE_TOPIC, Integer.MAX_VALUE, Duration.ofMillis(500), r -> {
            try {
                LifecycleEvent e = LifecycleEvent.parseFrom(r.value());
                return e.getJobId().equals(jobId) ? e : null;
            } catch (Exception ex) {
                return null;
            }
        }).stream().filter(Objects::nonNull).toList();
    }

    /**
     * Waits up to 60 s until the JobManager {@code reporter} published RUNNING for the job and every
     * subtask of that attempt reported RUNNING; returns the time of the last of those reports.
     */
    static long awaitAllSubtasksRunningUnder(String kafka, String jobId, String reporter) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<LifecycleEvent> events = lifecycleEvents(kafka, jobId);
            int subtasks = events.stream().filter(LifecycleEvent::hasJobSubmitted).findFirst().orElseThrow()
                    .getJobSubmitted().getVerticesList().stream().mapToInt(v -> v.getParallelism()).sum();
            java.util.Optional<Integer> attempt = events.stream().filter(e -> e.getReporter().equals(reporter) && e.hasJobStatusChanged()
                    && e.getJobStatusChanged().getStatus() == io.flowmesh.proto.JobStatus.RUNNING).map(e -> e.getJobStatusChanged().getAttempt())
                    .findFirst();
            if (attempt.isPresent()) {
                java.util.Set<String> running = new java.util.HashSet<>();
                long last = 0;
                for (LifecycleEvent e : events) {
                    if (e.hasTaskStatusChanged() && e.getTaskStatusChanged().getAttempt() == attempt.get()
                            && e.getTaskStatusChanged().getState() == io.flowmesh.proto.ExecutionState.EXECUTION_RUNNING) {
                        running.add(e.getTaskStatusChanged().getVertexId() + "/" + e.getTaskStatusChanged().getSubtaskIndex());
                        last = Math.max(last, e.getTimestampMs());
                    }
                }
                if (running.size() == subtasks) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the subtasks of job " + jobId + " did not all run again under " + reporter + " within 60 s");
    }

    private static CheckpointEvent parse(byte[] value) {
        try {
            return CheckpointEvent.parseFrom(value);
        } catch (Exception e) {
            return null;
        }
    }
}
