package io.flowmesh.api.sink;

import io.flowmesh.api.functions.RuntimeContext;
import java.io.PrintStream;

/**
 * Prints every record to the TaskManager's standard output (its log), prefixed with the subtask
 * number when the sink runs in parallel — {@code 2> record} — as Flink's {@code PrintSink} does.
 */
public final class PrintSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private final String identifier;
    private final boolean stdErr;

    public PrintSink() {
        this("", false);
    }

    public PrintSink(String identifier, boolean stdErr) {
        this.identifier = identifier == null ? "" : identifier;
        this.stdErr = stdErr;
    }

    @Override
    public SinkWriter<T> createWriter(RuntimeContext context) {
        PrintStream out = stdErr ? System.err : System.out;
        String subtask = context.parallelism() > 1 ? Integer.toString(context.subtaskIndex() + 1) : "";
        String prefix = identifier.isEmpty() ? (subtask.isEmpty() ? "" : subtask + "> ")
                : (subtask.isEmpty() ? identifier + "> " : identifier + ":" + subtask + "> ");
        return new SinkWriter<>() {
            @Override
            public void write(T element) {
                out.println(prefix + element);
            }

            @Override
            public void flush(boolean endOfInput) {
                out.flush();
            }
        };
    }
}
