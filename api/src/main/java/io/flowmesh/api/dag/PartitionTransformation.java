package io.flowmesh.api.dag;

import io.flowmesh.api.functions.KeySelector;
import java.util.List;

/** A change of partitioning (keyBy, rebalance, broadcast, forward); not an operator of its own. */
public final class PartitionTransformation<T> extends Transformation<T> {
    private final Transformation<T> input;
    private final PartitionerKind partitioner;
    private final KeySelector<T, ?> keySelector;

    public PartitionTransformation(int id, Transformation<T> input, PartitionerKind partitioner, KeySelector<T, ?> keySelector) {
        super(id, partitioner.name());
        if (partitioner == PartitionerKind.HASH && keySelector == null) {
            throw new IllegalArgumentException("keyBy needs a key selector");
        }
        this.input = input;
        this.partitioner = partitioner;
        this.keySelector = keySelector;
    }

    public Transformation<T> input() {
        return input;
    }

    public PartitionerKind partitioner() {
        return partitioner;
    }

    /** For HASH, the key selector; else null. */
    public KeySelector<T, ?> keySelector() {
        return keySelector;
    }

    @Override
    public List<Transformation<?>> inputs() {
        return List.of(input);
    }
}
