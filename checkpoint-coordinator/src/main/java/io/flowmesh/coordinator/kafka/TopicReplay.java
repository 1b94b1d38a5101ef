package io.flowmesh.coordinator.kafka;

import io.flowmesh.cluster.events.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads one of Flowmesh's topics from its beginning and then follows it, on a thread of its own,
 * with no consumer group (assign + seekToBeginning: every partition, every record). Creates the
 * topics first if they do not exist (retrying until Kafka answers).
 *
 * <p>Each record value goes to {@code onRecord} in partition order; once the consumer has reached
 * the end offsets the partitions had when reading began, {@code onCaughtUp} runs once (also for an
 * empty topic). The callbacks run on the replay thread; the caller hands them to its own thread.
 */
public final class TopicReplay implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TopicReplay.class);

    private final String bootstrapServers;
    private final Topics topics;
    private final String topic;
    private final Consumer<byte[]> onRecord;
    private final Runnable onCaughtUp;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    public TopicReplay(String bootstrapServers, Topics topics, String topic, Consumer<byte[]> onRecord, Runnable onCaughtUp) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.topic = topic;
        this.onRecord = onRecord;
        this.onCaughtUp = onCaughtUp;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowmesh-coordinator-" + topic);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "flowmesh-replay-" + topic);
        this.thread.setDaemon(true);
    }

    public TopicReplay start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
            boolean caughtUp = false;
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        onRecord.accept(r.value());
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "handling the record at %s-%d@%d failed", r.topic(), r.partition(), r.offset());
                    }
                }
                if (!caughtUp) {
                    end.entrySet().removeIf(en -> consumer.position(en.getKey()) >= en.getValue());
                    if (end.isEmpty()) {
                        caughtUp = true;
                        LOG.debugf("caught up with %s", topic);
                        onCaughtUp.run();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("reading topic " + topic + " stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private List<TopicPartition> awaitPartitions() {
        while (running) {
            try {
                topics.ensureCreated(bootstrapServers, 5000);
                var infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                }
            } catch (WakeupException e) {
                throw e;
            } catch (Exception e) {
                LOG.warnf("waiting for Kafka topic %s at %s: %s", topic, bootstrapServers, e.getMessage());
                sleep(1000);
            }
        }
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
