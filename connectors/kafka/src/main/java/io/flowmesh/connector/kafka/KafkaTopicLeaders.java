package io.flowmesh.connector.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Waits until every partition of freshly created topics has a leader. KRaft acknowledges a topic
 * creation once the controller has committed it, before the brokers have applied it; a producer
 * that sends in that gap can keep stale metadata until its delivery timeout (seen on a loaded
 * two-core CI machine). Whoever creates a topic and then writes to it calls this in between.
 */
public final class KafkaTopicLeaders {
    private KafkaTopicLeaders() {}

    /**
     * Returns once the broker describes every partition of {@code topics} with a leader.
     *
     * @throws IllegalStateException naming the topic and its partitions when {@code timeout} passes first
     */
    public static void await(Admin admin, Collection<String> topics, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String problem;
            try {
                Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                TopicDescription leaderless = described.values().stream()
                        .filter(d -> d.partitions().stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty()))
                        .findFirst().orElse(null);
                if (leaderless == null) {
                    // the leader in the metadata may not serve the partition yet: ask every leader once
                    java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
                    described.values().forEach(d -> d.partitions().forEach(pi ->
                            latest.put(new org.apache.kafka.common.TopicPartition(d.name(), pi.partition()),
                                    org.apache.kafka.clients.admin.OffsetSpec.latest())));
                    admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
                problem = "topic " + leaderless.name() + " still has a partition without a leader: " + leaderless.partitions();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException
                        || e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)) {
                    throw e;
                }
                problem = "the broker does not know the topics " + topics + " yet"; // it has not applied the creation
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(problem + " (" + timeout.toSeconds() + " s after their creation)");
            }
            Thread.sleep(50);
        }
    }
}
