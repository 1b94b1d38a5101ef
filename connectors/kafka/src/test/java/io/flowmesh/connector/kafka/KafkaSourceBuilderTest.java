package io.flowmesh.connector.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaSourceBuilderTest {

    private static final KafkaRecordDeserializer<String> STRINGS = KafkaRecordDeserializer.valueOnly(v -> new String(v, UTF_8));

    @Test
    void noTopicsIsRefusedNamingTheCall() {
        assertThatThrownBy(() -> KafkaSource.<String>builder().setDeserializer(STRINGS).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KafkaSource needs at least one topic: call setTopics(...)");
        assertThatThrownBy(() -> KafkaSource.<String>builder().setTopics().setDeserializer(STRINGS).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setTopics(...)");
    }

    @Test
    void blankTopicIsRefused() {
        assertThatThrownBy(() -> KafkaSource.<String>builder().setTopics("a", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
    }

    @Test
    void noDeserializerIsRefusedNamingTheCall() {
        assertThatThrownBy(() -> KafkaSource.<String>builder().setTopics("t").build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("KafkaSource needs a deserializer: call setDeserializer(...)");
    }

    @Test
    void committedOffsetsNeedAGroup() {
        assertThatThrownBy(() -> KafkaSource.<String>builder().setTopics("t").setDeserializer(STRINGS)
                .setStartingOffsets(OffsetsInitializer.committedOffsets()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setGroupId");
        KafkaSource.<String>builder().setTopics("t").setDeserializer(STRINGS).setGroupId("g")
                .setStartingOffsets(OffsetsInitializer.committedOffsets()).build();
    }

    @Test
    void specifiedOffsetsMustBeNonNegative() {
        assertThatThrownBy(() -> OffsetsInitializer.offsets(Map.of(new TopicPartition("t", 0), -1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("t-0");
    }

    @Test
    void boundedOnlyWithStoppingOffsets() {
        assertThat(KafkaSource.<String>builder().setTopics("t").setDeserializer(STRINGS).build().isBounded()).isFalse();
        KafkaSource<String> bounded = KafkaSource.<String>builder().setTopics("t", "u", "t").setDeserializer(STRINGS)
                .setBounded(OffsetsInitializer.latest()).build();
        assertThat(bounded.isBounded()).isTrue();
        assertThat(bounded.topics()).containsExactly("t", "u");
    }

    @Test
    void consumerDefaultsAndTheClustersKafka() {
        KafkaSource<String> source = KafkaSource.<String>builder().setTopics("t").setDeserializer(STRINGS).build();
        Properties p = source.consumerProperties(TestContext.of(2, 3, Map.of(KafkaSink.CLUSTER_BOOTSTRAP_SERVERS, "cluster:9092")));
        assertThat(p).containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "cluster:9092")
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
                .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500")
                .containsEntry(ConsumerConfig.CLIENT_ID_CONFIG, "flowmesh-source-job1-2")
                .doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG);
    }

    @Test
    void explicitSettingsWin() {
        KafkaSource<String> source = KafkaSource.<String>builder().setTopics("t").setDeserializer(STRINGS)
                .setBootstrapServers("mine:9092").setGroupId("g").setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50").build();
        Properties p = source.consumerProperties(TestContext.of(0, 1, Map.of(KafkaSink.CLUSTER_BOOTSTRAP_SERVERS, "cluster:9092")));
        assertThat(p).containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "mine:9092")
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "g")
                .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
    }

    @Test
    void noKafkaAnywhereIsAClearError() {
        KafkaSource<String> source = KafkaSource.<String>builder().setTopics("t").setDeserializer(STRINGS).build();
        assertThatThrownBy(() -> source.createReader(TestContext.of(0, 1, Map.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no bootstrap servers");
    }

    @Test
    @SuppressWarnings("unchecked")
    void survivesJavaSerializationAsTheJobGraphDoes() throws Exception {
        KafkaSource<String> source = KafkaSource.<String>builder().setTopics("t").setDeserializer(STRINGS)
                .setStartingOffsets(OffsetsInitializer.offsets(Map.of(new TopicPartition("t", 1), 5L)))
                .setBounded(OffsetsInitializer.latest()).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(source);
        }
        KafkaSource<String> copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (KafkaSource<String>) in.readObject();
        }
        assertThat(copy.isBounded()).isTrue();
        assertThat(copy.topics()).containsExactly("t");
    }
}
