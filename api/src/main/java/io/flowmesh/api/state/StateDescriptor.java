package io.flowmesh.api.state;

import java.io.Serializable;

/** Names a keyed state (unique per operator) and configures it. */
public abstract class StateDescriptor<T> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String name;
    private StateTtlConfig ttlConfig;

    protected StateDescriptor(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a state needs a non-blank name");
        }
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public void enableTimeToLive(StateTtlConfig ttlConfig) {
        this.ttlConfig = ttlConfig;
    }

    /** Null when the state never expires. */
    public StateTtlConfig getTtlConfig() {
        return ttlConfig;
    }
}
