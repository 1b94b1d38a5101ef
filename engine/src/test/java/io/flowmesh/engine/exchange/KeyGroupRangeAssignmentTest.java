package io.flowmesh.engine.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import org.junit.jupiter.api.Test;

class KeyGroupRangeAssignmentTest {

    /** Flink's murmurHash: MurmurHash3_x86_32 (seed 0) of the int's 4 little-endian bytes, made non-negative. */
    private static int reference(int code) {
        int h = Hashing.murmur3_32_fixed().hashInt(code).asInt();
        return h >= 0 ? h : (h == Integer.MIN_VALUE ? 0 : -h);
    }

    @Test
    void murmurHashMatchesAnIndependentMurmur3() {
        for (int code : new int[] {0, 1, -1, 7, 42, 1000, Integer.MAX_VALUE, Integer.MIN_VALUE, "key".hashCode(), Long.hashCode(123456789L)}) {
            assertThat(KeyGroupRangeAssignment.murmurHash(code)).as("code %d", code).isEqualTo(reference(code));
        }
        for (int code = -5000; code < 5000; code++) {
            assertThat(KeyGroupRangeAssignment.murmurHash(code)).isEqualTo(reference(code));
        }
    }

    @Test
    void keyGroupsMapToSubtasksAsFlinkDoes() {
        // key group g of 128 belongs to subtask g * p / 128: contiguous ranges
        assertThat(KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, 2, 0)).isZero();
        assertThat(KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, 2, 63)).isZero();
        assertThat(KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, 2, 64)).isEqualTo(1);
        assertThat(KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, 2, 127)).isEqualTo(1);
        assertThat(KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(128, 3, 43)).isEqualTo(1);
        for (long key = 0; key < 1000; key++) {
            int group = KeyGroupRangeAssignment.assignToKeyGroup(key, 128);
            assertThat(group).isEqualTo(reference(Long.hashCode(key)) % 128);
            assertThat(KeyGroupRangeAssignment.assignKeyToParallelOperator(key, 128, 4)).isEqualTo(group * 4 / 128);
        }
    }

    @Test
    void everySubtaskGetsKeysOfTheBenchmarkKeySpace() {
        int[] perSubtask = new int[4];
        for (long key = 0; key < 1000; key++) {
            perSubtask[KeyGroupRangeAssignment.assignKeyToParallelOperator(key, 128, 4)]++;
        }
        assertThat(java.util.Arrays.stream(perSubtask).boxed().toList()).allMatch(n -> n > 150);
    }
}
