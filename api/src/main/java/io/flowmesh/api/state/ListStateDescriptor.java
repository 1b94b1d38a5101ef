package io.flowmesh.api.state;

public final class ListStateDescriptor<T> extends StateDescriptor<T> {
    private static final long serialVersionUID = 1L;

    public ListStateDescriptor(String name) {
        super(name);
    }

    public ListStateDescriptor(String name, Class<T> elementType) {
        super(name);
    }
}
