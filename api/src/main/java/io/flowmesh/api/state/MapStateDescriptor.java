package io.flowmesh.api.state;

public final class MapStateDescriptor<K, V> extends StateDescriptor<java.util.Map<K, V>> {
    private static final long serialVersionUID = 1L;

    public MapStateDescriptor(String name) {
        super(name);
    }

    public MapStateDescriptor(String name, Class<K> keyType, Class<V> valueType) {
        super(name);
    }
}
