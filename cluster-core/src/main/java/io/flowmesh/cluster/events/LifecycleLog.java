package io.flowmesh.cluster.events;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.proto.LifecycleEvent;
import java.time.Duration;
import java.util.List;
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
 * Follows the lifecycle topic from its beginning on a thread of its own and hands every event, in
 * partition order, to a listener: how a (re)starting service rebuilds the job history. No consumer
 * group: every follower reads everything. Malformed messages are logged and skipped.
 */
public final class LifecycleLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LifecycleLog.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Consumer<LifecycleEvent> listener;
    private final Thread thread;
    private volatile boolean running = true;

    public LifecycleLog(String bootstrapServers, Topics topics, Consumer<LifecycleEvent> listener) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topics.lifecycle();
        this.listener = listener;
        this.thread = new Thread(this::run, "flowmesh-lifecycle-log");
        this.thread.setDaemon(true);
    }

    public LifecycleLog start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = null;
            while (running && partitions == null) {
                try {
                    var infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                    if (infos != null && !infos.isEmpty()) {
                        partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.warnf("waiting for Kafka topic %s: %s", topic, e.getMessage());
                }
            }
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        listener.accept(LifecycleEvent.parseFrom(r.value()));
                    } catch (InvalidProtocolBufferException e) {
                        LOG.warnf("skipping a malformed lifecycle event at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "lifecycle listener failed on the event at %s-%d@%d", r.topic(), r.partition(), r.offset());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("lifecycle log stopped", e);
        } finally {
            consumer.close();
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
