package io.flowmesh.api.source;

import io.flowmesh.api.functions.RuntimeContext;
import java.io.Serializable;
import java.util.List;

/**
 * The checkpointed position of a reader that takes every {@code parallelism}-th index starting at
 * its subtask index (the sequence and generator sources): the next index it would emit.
 */
public record StridePosition(int subtask, int parallelism, long next) implements Serializable {

    /**
     * The next index for the subtask of {@code context} from a restored union of positions.
     *
     * @throws IllegalStateException naming the source when the positions were taken at another
     *     parallelism (strided positions cannot be redistributed) or this subtask's is missing
     */
    public static long resume(List<Object> union, RuntimeContext context, String sourceName) {
        for (Object o : union) {
            if (o instanceof StridePosition p) {
                if (p.parallelism() != context.parallelism()) {
                    throw new IllegalStateException(sourceName + " can only resume at the parallelism it was checkpointed with ("
                            + p.parallelism() + "), not at " + context.parallelism());
                }
                if (p.subtask() == context.subtaskIndex()) {
                    return p.next();
                }
            }
        }
        throw new IllegalStateException(sourceName + ": the checkpoint has no position for subtask " + context.subtaskIndex());
    }
}
