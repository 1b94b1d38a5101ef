package io.flowmesh.cluster.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the cluster's Kafka is (env: FLOWMESH_KAFKA_BOOTSTRAP_SERVERS, FLOWMESH_KAFKA_TOPIC_PREFIX). */
@ConfigMapping(prefix = "flowmesh.kafka")
public interface KafkaConfig {
    String bootstrapServers();

    /** Prefix of every Flowmesh topic, so that several clusters can share one Kafka. */
    @WithDefault("flowmesh.")
    String topicPrefix();
}
