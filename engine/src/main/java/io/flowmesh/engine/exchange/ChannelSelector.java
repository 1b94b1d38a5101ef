package io.flowmesh.engine.exchange;

import io.flowmesh.api.functions.KeySelector;
import io.flowmesh.proto.PartitionerType;

/** Chooses the subpartition of a record. Called on the producing subtask's thread only. */
public interface ChannelSelector {
    /** The subpartition for this record; not called when {@link #isBroadcast()}. */
    int select(Object record) throws Exception;

    default boolean isBroadcast() {
        return false;
    }

    static ChannelSelector of(PartitionerType type, int numberOfSubpartitions, int maxParallelism, KeySelector<Object, Object> keySelector,
            int producerSubtask, String consumerName) {
        return switch (type) {
            case FORWARD -> record -> 0;
            case HASH -> new KeyGroupSelector(keySelector, maxParallelism, numberOfSubpartitions, consumerName);
            case BROADCAST -> new ChannelSelector() {
                @Override
                public int select(Object record) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public boolean isBroadcast() {
                    return true;
                }
            };
            case REBALANCE -> new ChannelSelector() {
                private int next = producerSubtask % numberOfSubpartitions;

                @Override
                public int select(Object record) {
                    int ch = next;
                    next = ch + 1 == numberOfSubpartitions ? 0 : ch + 1;
                    return ch;
                }
            };
            default -> throw new IllegalArgumentException("unknown partitioner " + type);
        };
    }

    /** keyBy: by key group, as Flink assigns them. */
    final class KeyGroupSelector implements ChannelSelector {
        private final KeySelector<Object, Object> keySelector;
        private final int maxParallelism;
        private final int parallelism;
        private final String consumerName;

        KeyGroupSelector(KeySelector<Object, Object> keySelector, int maxParallelism, int parallelism, String consumerName) {
            this.keySelector = keySelector;
            this.maxParallelism = maxParallelism;
            this.parallelism = parallelism;
            this.consumerName = consumerName;
        }

        @Override
        public int select(Object record) throws Exception {
            Object key = keySelector.getKey(record);
            if (key == null) {
                throw new NullPointerException("the key selector of keyBy before '" + consumerName + "' returned null for record " + record);
            }
            return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, parallelism);
        }
    }
}
