package io.flowmesh.coordinator.kafka;

import io.flowmesh.cluster.events.Topics;
import io.flowmesh.proto.CheckpointEvent;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes checkpoint events keyed by job id, without waiting: one idempotent producer keeps the
 * events of a job in call order, and a failed send is logged (a lost trigger ends in the
 * checkpoint's timeout, a lost abort or completion in the subtasks' next checkpoint). Thread-safe.
 */
public final class CheckpointPublisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CheckpointPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    public CheckpointPublisher(String bootstrapServers, Topics topics) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "flowmesh-coordinator");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topic = topics.checkpoints();
    }

    public void publish(CheckpointEvent e) {
        producer.send(new ProducerRecord<>(topic, e.getJobId(), e.toByteArray()), (md, ex) -> {
            if (ex != null) {
                LOG.errorf("could not publish %s of checkpoint %d of job %s to %s: %s", e.getEventCase(), e.getCheckpointId(), e.getJobId(), topic,
                        ex.getMessage());
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
