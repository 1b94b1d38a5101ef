package io.flowmesh.engine.exchange;

import java.util.concurrent.ConcurrentHashMap;

/** The subpartitions of one TaskManager, by id. Thread-safe. */
public final class ResultPartitionManager {
    private final ConcurrentHashMap<SubpartitionId, ResultSubpartition> subpartitions = new ConcurrentHashMap<>();
    private final int capacity;

    /** @param capacity buffers each subpartition may queue before its producer blocks */
    public ResultPartitionManager(int capacity) {
        this.capacity = capacity;
    }

    public ResultSubpartition getOrCreate(SubpartitionId id) {
        return subpartitions.computeIfAbsent(id, k -> new ResultSubpartition(capacity));
    }

    /** Forgets a subpartition whose reader consumed it to the end. */
    public void remove(SubpartitionId id) {
        subpartitions.remove(id);
    }

    /** Releases every subpartition of a job attempt (cancel, failure), waking blocked producers. */
    public void releaseJob(String jobId, int attempt) {
        subpartitions.entrySet().removeIf(e -> {
            if (e.getKey().jobId().equals(jobId) && e.getKey().attempt() == attempt) {
                e.getValue().release();
                return true;
            }
            return false;
        });
    }

    public int size() {
        return subpartitions.size();
    }
}
