package io.flowmesh.engine.operators;

import io.flowmesh.api.functions.RuntimeContext;
import io.flowmesh.engine.state.HeapKeyedStateBackend;
import io.flowmesh.engine.time.ProcessingTimeService;

/** What the task gives each operator: its runtime context and the task thread's processing-time service. */
public record OperatorContext(RuntimeContext runtimeContext, ProcessingTimeService processingTime) {
    /** A fresh keyed-state backend for one keyed operator. */
    public HeapKeyedStateBackend newKeyedBackend() {
        return new HeapKeyedStateBackend(processingTime::currentTime);
    }
}
