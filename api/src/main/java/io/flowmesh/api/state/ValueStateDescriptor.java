package io.flowmesh.api.state;

public final class ValueStateDescriptor<T> extends StateDescriptor<T> {
    private static final long serialVersionUID = 1L;

    public ValueStateDescriptor(String name) {
        super(name);
    }

    /** The type is accepted for Flink compatibility; records are serialized by their runtime type. */
    public ValueStateDescriptor(String name, Class<T> type) {
        super(name);
    }
}
