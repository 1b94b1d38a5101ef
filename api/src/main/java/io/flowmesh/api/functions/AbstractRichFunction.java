package io.flowmesh.api.functions;

/** Keeps the runtime context given to {@link #open} for {@link #getRuntimeContext()}. */
public abstract class AbstractRichFunction implements RichFunction {
    private static final long serialVersionUID = 1L;
    private transient RuntimeContext runtimeContext;

    @Override
    public void open(RuntimeContext context) throws Exception {
        this.runtimeContext = context;
    }

    public RuntimeContext getRuntimeContext() {
        if (runtimeContext == null) {
            throw new IllegalStateException("the runtime context is available from open() on");
        }
        return runtimeContext;
    }
}
