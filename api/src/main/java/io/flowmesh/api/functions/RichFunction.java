package io.flowmesh.api.functions;

/**
 * A function with a life cycle, as Flink's rich functions: {@link #open} is called once on the
 * subtask's thread before the first record (keyed state is obtained there, through the context),
 * {@link #close} once at the end.
 */
public interface RichFunction extends Function {
    default void open(RuntimeContext context) throws Exception {}

    default void close() throws Exception {}
}
