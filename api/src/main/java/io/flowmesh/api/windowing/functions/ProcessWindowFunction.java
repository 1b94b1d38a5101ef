package io.flowmesh.api.windowing.functions;

import io.flowmesh.api.functions.AbstractRichFunction;
import io.flowmesh.api.functions.Collector;
import io.flowmesh.api.functions.OutputTag;
import io.flowmesh.api.windowing.windows.Window;

/**
 * Computes a window's result from all its elements (or, after a reduce or aggregate, from the one
 * pre-aggregated value), with access to the key and the window.
 */
public abstract class ProcessWindowFunction<IN, OUT, KEY, W extends Window> extends AbstractRichFunction {
    private static final long serialVersionUID = 1L;

    public abstract void process(KEY key, Context context, Iterable<IN> elements, Collector<OUT> out) throws Exception;

    public abstract class Context {
        public abstract W window();

        public abstract long currentProcessingTime();

        public abstract long currentWatermark();

        public abstract <X> void output(OutputTag<X> outputTag, X value);
    }
}
