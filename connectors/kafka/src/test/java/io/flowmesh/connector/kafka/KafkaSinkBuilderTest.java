package io.flowmesh.connector.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KafkaSinkBuilderTest {

    private static KafkaSink.Builder<String> builder() {
        return KafkaSink.<String>builder().setTopic("out").setValueSerializer(v -> v.getBytes(UTF_8));
    }

    @Test
    void exactlyOnceWithoutATransactionalIdPrefixIsRefusedNamingTheCall() {
        assertThatThrownBy(() -> builder().setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'out'").hasMessageContaining("EXACTLY_ONCE").hasMessageContaining("setTransactionalIdPrefix(...)");
        assertThatThrownBy(() -> builder().setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix(" ").build())
                .hasMessageContaining("setTransactionalIdPrefix(...)");
        assertThat(builder().setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).setTransactionalIdPrefix("p").build().deliveryGuarantee())
                .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    }

    @Test
    void theDefaultIsAtLeastOnceWithoutAPrefix() {
        assertThat(builder().build().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(builder().setDeliveryGuarantee(DeliveryGuarantee.NONE).build().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.NONE);
    }

    @Test
    void transactionSettingsAreValidated() {
        assertThatThrownBy(() -> builder().setProperty("transactional.id", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setTransactionalIdPrefix(...)");
        assertThatThrownBy(() -> builder().setTransactionalIdPoolSize(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 2");
        assertThatThrownBy(() -> builder().setTransactionTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transaction timeout");
        assertThatThrownBy(() -> builder().setProperty("transaction.timeout.ms", "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transaction timeout");
    }

    @Test
    void theKafkaClientHasTheInternalsThatResumingATransactionNeeds() {
        TransactionalProducer.checkClientInternals(); // fails naming the missing field or method if kafka-clients changed
    }

    @Test
    void stateEntriesSurviveJavaSerialization() throws Exception {
        List<Object> state = List.of(new KafkaCommittable("p-0-1", 7, (short) 3, true, 12, 0), new KafkaWriterState("p", 0, 2, 5),
                new KafkaPartitionSplit("t", 1, 10, KafkaPartitionSplit.NO_STOPPING_OFFSET));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new java.util.ArrayList<>(state));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(state);
        }
    }

    @Test
    void aRestoreAbortsTheIdsOfEveryOldSubtaskMappedToTheNewOneExceptItsOwnCurrentOnes() {
        // 3 subtasks with 2 ids each before, 2 subtasks with 3 ids each now: subtask 0 takes old 0 and old 2
        List<KafkaWriterState> previous = List.of(new KafkaWriterState("p", 0, 3, 2), new KafkaWriterState("p", 1, 3, 2),
                new KafkaWriterState("p", 2, 3, 2));
        assertThat(TransactionalIds.toAbortOnRestore(previous, "p", 0, 2, 3)).isEqualTo(Set.of("p-2-0", "p-2-1"));
        assertThat(TransactionalIds.toAbortOnRestore(previous, "p", 1, 2, 3)).isEmpty();
        // a smaller pool now: the old ids beyond it are aborted too; another prefix now: all old ones are
        assertThat(TransactionalIds.toAbortOnRestore(previous, "p", 1, 2, 1)).isEqualTo(Set.of("p-1-1"));
        assertThat(TransactionalIds.toAbortOnRestore(previous, "q", 1, 2, 2)).isEqualTo(Set.of("p-1-0", "p-1-1"));
        assertThat(TransactionalIds.toAbortOnRestore(List.of(), "p", 0, 1, 5)).isEmpty();
    }

    @Test
    void anOngoingTransactionBelongsToTheNewSubtaskItsOldSubtaskMapsTo() {
        List<String> prefixes = List.of("job-a", "job-a-sink");
        assertThat(TransactionalIds.belongsTo("job-a-3-17", prefixes, 1, 2)).isTrue(); // old subtask 3 -> 3 % 2 = 1
        assertThat(TransactionalIds.belongsTo("job-a-3-17", prefixes, 0, 2)).isFalse();
        assertThat(TransactionalIds.belongsTo("job-a-sink-0-4", prefixes, 0, 1)).isTrue(); // a prefix with a dash
        assertThat(TransactionalIds.belongsTo("job-ab-0-4", prefixes, 0, 1)).isFalse();
        assertThat(TransactionalIds.belongsTo("job-b-0-4", prefixes, 0, 1)).isFalse();
        assertThat(TransactionalIds.belongsTo("job-a-0-x", prefixes, 0, 1)).isFalse();
        assertThat(TransactionalIds.belongsTo("job-a-0-", prefixes, 0, 1)).isFalse();
        assertThat(TransactionalIds.belongsTo("job-a-99999999999-1", prefixes, 0, 1)).isFalse();
        assertThat(TransactionalIds.isOwn("job-a-1-2", "job-a", 1, 3)).isTrue();
        assertThat(TransactionalIds.isOwn("job-a-1-3", "job-a", 1, 3)).isFalse();
    }
}
