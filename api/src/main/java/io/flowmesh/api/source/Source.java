package io.flowmesh.api.source;

import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.RuntimeContext;

/**
 * A parallel source: each of its subtasks creates one {@link SourceReader} and reads its share of
 * the input. The source object is serialized to the TaskManagers; the reader is created there.
 */
public interface Source<T> extends Function {
    SourceReader<T> createReader(RuntimeContext context) throws Exception;

    /** True when every reader eventually returns {@link InputStatus#END_OF_INPUT}. */
    default boolean isBounded() {
        return true;
    }
}
