package io.flowmesh.cluster.events;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** The names of Flowmesh's topics under a prefix, and their creation. */
public record Topics(String prefix) {
    public static final int PARTITIONS = 4;

    public String lifecycle() {
        return prefix + "lifecycle";
    }

    public String checkpoints() {
        return prefix + "checkpoints";
    }

    public String commands() {
        return prefix + "commands";
    }

    public String commandResults() {
        return prefix + "command-results";
    }

    public List<String> all() {
        return List.of(lifecycle(), checkpoints(), commands(), commandResults());
    }

    /**
     * A topic's configuration: kept forever; the command results compacted (the latest result of
     * every command id stays, which is what a restarted dispatcher reads to answer repeated ids).
     */
    Map<String, String> configOf(String topic) {
        return topic.equals(commandResults()) ? Map.of("cleanup.policy", "compact") : Map.of("retention.ms", "-1");
    }

    /** Creates the topics that do not exist yet; waits at most {@code timeoutMillis}. */
    public void ensureCreated(String bootstrapServers, long timeoutMillis) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMillis, Integer.MAX_VALUE));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMillis, Integer.MAX_VALUE));
        try (Admin admin = Admin.create(p)) {
            short replication = (short) Math.min(3, admin.describeCluster().nodes().get(timeoutMillis, TimeUnit.MILLISECONDS).size());
            for (String topic : all()) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, replication)
                            .configs(configOf(topic)))).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, timeoutMillis);
        }
    }

    /** Whether every partition of the topics has a leader; false also while the broker does not know a topic yet. */
    private boolean allLed(Admin admin, long timeoutMillis) throws Exception {
        try {
            return admin.describeTopics(all()).allTopicNames().get(timeoutMillis, TimeUnit.MILLISECONDS).values().stream()
                    .flatMap(d -> d.partitions().stream()).allMatch(part -> part.leader() != null && !part.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    /**
     * KRaft acknowledges a creation before the brokers applied it, and a producer that writes in
     * that gap can keep stale metadata until its delivery timeout: wait until every partition has a leader.
     */
    private void awaitLeaders(Admin admin, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!allLed(admin, timeoutMillis)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Flowmesh's topics " + all() + " still have partitions without a leader after " + timeoutMillis + " ms");
            }
            Thread.sleep(50);
        }
    }
}
