package io.flowmesh.connector.kafka;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The transactional ids of an exactly-once {@link KafkaSink}: subtask {@code s} uses exactly the ids
 * {@code <prefix>-<s>-<slot>} for {@code 0 <= slot < poolSize}, one per transaction that is open or
 * pre-committed at the same time. The set of ids a run may have used is therefore finite and known
 * from the {@link KafkaWriterState}s of its snapshot, which is what lets a restore abort every
 * lingering transaction.
 */
final class TransactionalIds {
    private TransactionalIds() {}

    static String id(String prefix, int subtask, int slot) {
        return prefix + "-" + subtask + "-" + slot;
    }

    /**
     * The ids of the previous run that subtask {@code subtask} of {@code parallelism} must abort on a
     * restore, besides its own current ones: those of every old subtask {@code s} with
     * {@code s % parallelism == subtask} (after a scale-down, also those of subtasks that no longer
     * exist), under every prefix and up to the largest pool size the states name. Its own current
     * ids ({@code prefix}, {@code subtask}, {@code slot < poolSize}) are left out.
     */
    static Set<String> toAbortOnRestore(List<KafkaWriterState> previous, String prefix, int subtask, int parallelism, int poolSize) {
        int oldParallelism = previous.stream().mapToInt(KafkaWriterState::parallelism).max().orElse(0);
        int oldPoolSize = previous.stream().mapToInt(KafkaWriterState::poolSize).max().orElse(0);
        Set<String> prefixes = new LinkedHashSet<>();
        previous.forEach(w -> prefixes.add(w.transactionalIdPrefix()));
        Set<String> ids = new LinkedHashSet<>();
        for (String p : prefixes) {
            for (int s = subtask; s < oldParallelism; s += parallelism) {
                for (int slot = 0; slot < oldPoolSize; slot++) {
                    boolean own = p.equals(prefix) && s == subtask && slot < poolSize;
                    if (!own) {
                        ids.add(id(p, s, slot));
                    }
                }
            }
        }
        return ids;
    }
}
