package io.flowmesh.api.source;

import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.RuntimeContext;
import java.util.List;

/**
 * A parallel source: each of its subtasks creates one {@link SourceReader} and reads its share of
 * the input. The source object is serialized to the TaskManagers; the reader is created there.
 */
public interface Source<T> extends Function {
    SourceReader<T> createReader(RuntimeContext context) throws Exception;

    /**
     * A reader that resumes from a checkpoint or savepoint. {@code restoredState} is the union of
     * what every reader of the previous run returned from {@link SourceReader#snapshotState} (the
     * previous run may have had another parallelism); the reader keeps the entries that are its
     * own now. The default ignores the state and starts from the beginning, which is only right
     * for sources whose input is generated.
     */
    default SourceReader<T> restoreReader(RuntimeContext context, List<Object> restoredState) throws Exception {
        return createReader(context);
    }

    /** True when every reader eventually returns {@link InputStatus#END_OF_INPUT}. */
    default boolean isBounded() {
        return true;
    }
}
