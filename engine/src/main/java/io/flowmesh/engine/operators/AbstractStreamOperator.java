package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.RichFunction;
import io.flowmesh.api.functions.RuntimeContext;

/** Base of the operators: the output, the current watermark, and a rich function's life cycle. */
public abstract class AbstractStreamOperator implements StreamOperator {
    protected final String name;
    protected final Output output;
    protected long currentWatermark = Long.MIN_VALUE;

    protected AbstractStreamOperator(String name, Output output) {
        this.name = name;
        this.output = output;
    }

    @Override
    public void processWatermark(long watermark) {
        currentWatermark = watermark;
        try {
            onWatermark(watermark);
        } catch (Exception e) {
            throw OperatorException.of(name, e);
        }
        output.emitWatermark(watermark);
    }

    /** Called before the watermark is forwarded: fire timers, windows. */
    protected void onWatermark(long watermark) throws Exception {}

    protected void openFunction(Object function, RuntimeContext context) {
        if (function instanceof RichFunction rich) {
            try {
                rich.open(context);
            } catch (Exception e) {
                throw OperatorException.of(name, e);
            }
        }
    }

    protected static void closeFunction(Object function) throws Exception {
        if (function instanceof RichFunction rich) {
            rich.close();
        }
    }
}
