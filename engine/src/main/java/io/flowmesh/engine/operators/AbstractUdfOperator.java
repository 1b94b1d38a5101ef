package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.Function;
import io.flowmesh.api.functions.RuntimeContext;

/**
 * An operator around one user function: opens it (if it is a rich function) with the runtime
 * context — the keyed one for keyed operators — and closes it.
 */
abstract class AbstractUdfOperator<F extends Function> extends AbstractStreamOperator {
    protected final F fn;
    protected final OperatorContext context;

    protected AbstractUdfOperator(String name, F fn, OperatorContext context, Output output) {
        super(name, output);
        this.fn = fn;
        this.context = context;
    }

    /** The context the function is opened with; keyed operators return one with keyed state. */
    protected RuntimeContext functionContext() {
        return context.runtimeContext();
    }

    @Override
    public void open() {
        openFunction(fn, functionContext());
    }

    @Override
    public void close() throws Exception {
        closeFunction(fn);
    }
}
