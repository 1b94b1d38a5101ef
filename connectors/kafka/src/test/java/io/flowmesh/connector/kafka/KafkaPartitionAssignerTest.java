package io.flowmesh.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaPartitionAssignerTest {

    /** Includes a topic whose hash code is negative and one whose hash code is Integer.MIN_VALUE. */
    private static final List<String> TOPICS = List.of("orders", "input", "flowmesh.lifecycle", "a", "Ωmega-τopic",
            "polygenelubricants", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");

    @Test
    void theTopicsCoverTheInterestingHashCodes() {
        assertThat("polygenelubricants".hashCode()).isEqualTo(Integer.MIN_VALUE);
        assertThat(TOPICS.stream().mapToInt(String::hashCode).filter(h -> h < 0).count()).isGreaterThan(1);
    }

    @Test
    void ownerFollowsFlinksKafkaTopicPartitionAssigner() {
        for (String topic : TOPICS) {
            for (int n = 1; n <= 9; n++) {
                long start = Integer.toUnsignedLong((topic.hashCode() * 31) & 0x7FFFFFFF) % n;
                for (int p = 0; p < 40; p++) {
                    assertThat(KafkaPartitionAssigner.assign(topic, p, n)).as("%s-%d of %d subtasks", topic, p, n)
                            .isEqualTo((int) ((start + p) % n));
                }
            }
        }
    }

    @Test
    void pinnedValues() {
        // "orders".hashCode() = -1008770331; * 31 overflows to -1207109189; the mask makes it 940374459
        assertThat("orders".hashCode() * 31).isEqualTo(-1207109189);
        assertThat(KafkaPartitionAssigner.assign("orders", 0, 3)).isZero();
        assertThat(KafkaPartitionAssigner.assign("orders", 2, 3)).isEqualTo(2);
        assertThat(KafkaPartitionAssigner.assign("orders", 0, 4)).isEqualTo(3);
        assertThat(KafkaPartitionAssigner.assign("orders", 1, 4)).isZero();
        // MIN_VALUE * 31 == MIN_VALUE, masked to 0: the topic starts at subtask 0
        assertThat(KafkaPartitionAssigner.assign("polygenelubricants", 0, 7)).isZero();
        assertThat(KafkaPartitionAssigner.assign("polygenelubricants", 9, 7)).isEqualTo(2);
        assertThat(KafkaPartitionAssigner.assign("any", 5, 1)).isZero();
    }

    @Test
    void everyPartitionHasExactlyOneOwnerAndTheSharesDifferByAtMostOne() {
        for (String topic : TOPICS) {
            for (int partitions : new int[] {1, 2, 3, 4, 7, 16, 33}) {
                List<PartitionInfo> infos = IntStream.range(0, partitions).mapToObj(p -> new PartitionInfo(topic, p, null, null, null)).toList();
                for (int n = 1; n <= 9; n++) {
                    List<TopicPartition> all = new ArrayList<>();
                    int min = Integer.MAX_VALUE;
                    int max = 0;
                    for (int s = 0; s < n; s++) {
                        List<TopicPartition> owned = KafkaPartitionAssigner.owned(infos, s, n);
                        for (TopicPartition tp : owned) {
                            assertThat(KafkaPartitionAssigner.assign(topic, tp.partition(), n)).isEqualTo(s);
                        }
                        all.addAll(owned);
                        min = Math.min(min, owned.size());
                        max = Math.max(max, owned.size());
                    }
                    Set<TopicPartition> distinct = new HashSet<>(all);
                    assertThat(all).as("%s, %d partitions, %d subtasks", topic, partitions, n).hasSize(partitions);
                    assertThat(distinct).hasSize(partitions);
                    assertThat(distinct).containsExactlyInAnyOrderElementsOf(
                            IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList());
                    assertThat(max - min).isLessThanOrEqualTo(1);
                }
            }
        }
    }

    @Test
    void rejectsNoSubtasks() {
        assertThatThrownBy(() -> KafkaPartitionAssigner.assign("t", 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numSubtasks");
    }
}
