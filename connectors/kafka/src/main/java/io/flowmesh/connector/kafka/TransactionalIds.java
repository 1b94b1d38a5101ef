package io.flowmesh.connector.kafka;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The transactional ids of an exactly-once {@link KafkaSink}: subtask {@code s} uses the ids
 * {@code <prefix>-<s>-<slot>}, {@code slot = 0, 1, 2, ...} without gaps, one per transaction that is
 * open or pre-committed at the same time. The ids a run used up to a checkpoint are known from the
 * {@link KafkaWriterState}s of its snapshot; those it added after it (when later checkpoints failed)
 * are found among the broker's ongoing transactions by {@link #belongsTo}. Together this lets a
 * restore abort every lingering transaction.
 */
final class TransactionalIds {
    private TransactionalIds() {}

    static String id(String prefix, int subtask, int slot) {
        return prefix + "-" + subtask + "-" + slot;
    }

    /**
     * Whether {@code transactionalId} is {@code <p>-<s>-<slot>} for one of {@code prefixes} and an
     * old subtask {@code s} that maps to {@code subtask} at {@code parallelism}
     * ({@code s % parallelism == subtask}).
     */
    static boolean belongsTo(String transactionalId, Collection<String> prefixes, int subtask, int parallelism) {
        for (String p : prefixes) {
            if (transactionalId.length() > p.length() + 1 && transactionalId.startsWith(p) && transactionalId.charAt(p.length()) == '-') {
                String rest = transactionalId.substring(p.length() + 1);
                int dash = rest.indexOf('-');
                if (dash > 0 && isNumber(rest.substring(0, dash)) && isNumber(rest.substring(dash + 1))) {
                    try {
                        int s = Integer.parseInt(rest.substring(0, dash));
                        Integer.parseInt(rest.substring(dash + 1));
                        if (s % parallelism == subtask) {
                            return true;
                        }
                    } catch (NumberFormatException e) {
                        // too large for an int: not one of ours
                    }
                }
            }
        }
        return false;
    }

    /** Whether {@code transactionalId} is one of the ids a writer initializes at its start. */
    static boolean isOwn(String transactionalId, String prefix, int subtask, int poolSize) {
        for (int slot = 0; slot < poolSize; slot++) {
            if (id(prefix, subtask, slot).equals(transactionalId)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
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
