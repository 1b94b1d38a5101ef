package io.flowmesh.api.sink;

import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.RuntimeContext;
import java.util.List;

/** Where a stream ends. Each sink subtask creates one {@link SinkWriter} on its TaskManager. */
public interface Sink<T> extends Function {
    SinkWriter<T> createWriter(RuntimeContext context) throws Exception;

    /**
     * A writer that resumes from a checkpoint or savepoint. {@code restoredState} is the union of
     * what every writer of the previous run returned from {@link SinkWriter#snapshotState} (the
     * previous run may have had another parallelism). An exactly-once writer commits the
     * committables that are its own (or all of them, if committing twice is harmless) and aborts
     * what earlier attempts left open. The default ignores the state.
     */
    default SinkWriter<T> restoreWriter(RuntimeContext context, List<Object> restoredState) throws Exception {
        return createWriter(context);
    }
}
