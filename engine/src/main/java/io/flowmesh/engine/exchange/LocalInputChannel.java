package io.flowmesh.engine.exchange;

/** Reads a subpartition of a producer in the same TaskManager: buffers are handed over in memory. */
public final class LocalInputChannel extends InputChannel {
    private final ResultPartitionManager partitionManager;
    private final SubpartitionId subpartitionId;
    private volatile ResultSubpartition subpartition;

    public LocalInputChannel(int channelIndex, InputGate gate, ResultPartitionManager partitionManager, SubpartitionId subpartitionId) {
        super(channelIndex, gate);
        this.partitionManager = partitionManager;
        this.subpartitionId = subpartitionId;
    }

    @Override
    public void requestSubpartition() {
        subpartition = partitionManager.getOrCreate(subpartitionId);
        subpartition.setListener(() -> gate.notifyChannelNonEmpty(this));
    }

    @Override
    public Buffer pollBuffer() {
        Buffer b = subpartition.poll();
        if (b != null && b.endOfPartition()) {
            partitionManager.remove(subpartitionId);
        }
        return b;
    }

    @Override
    public int queuedBuffers() {
        ResultSubpartition s = subpartition;
        return s == null ? 0 : s.backlog();
    }

    @Override
    public int bufferCapacity() {
        ResultSubpartition s = subpartition;
        return s == null ? 0 : s.capacity();
    }

    @Override
    public boolean hasMore() {
        return subpartition.backlog() > 0;
    }
}
