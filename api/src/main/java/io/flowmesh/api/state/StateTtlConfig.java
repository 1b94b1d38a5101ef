package io.flowmesh.api.state;

import java.io.Serializable;
import java.time.Duration;

/**
 * Time-to-live of keyed state, as Flink's {@code StateTtlConfig}: a value expires {@code ttl} after it
 * was last written (or read, with {@link UpdateType#OnReadAndWrite}); expired values are never
 * returned and are removed when next accessed. Processing time.
 */
public final class StateTtlConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum UpdateType { OnCreateAndWrite, OnReadAndWrite }

    private final Duration ttl;
    private final UpdateType updateType;

    private StateTtlConfig(Duration ttl, UpdateType updateType) {
        this.ttl = ttl;
        this.updateType = updateType;
    }

    public static Builder newBuilder(Duration ttl) {
        return new Builder(ttl);
    }

    public Duration getTtl() {
        return ttl;
    }

    public UpdateType getUpdateType() {
        return updateType;
    }

    public static final class Builder {
        private final Duration ttl;
        private UpdateType updateType = UpdateType.OnCreateAndWrite;

        private Builder(Duration ttl) {
            if (ttl == null || ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("a state TTL must be positive");
            }
            this.ttl = ttl;
        }

        public Builder setUpdateType(UpdateType updateType) {
            this.updateType = updateType;
            return this;
        }

        public StateTtlConfig build() {
            return new StateTtlConfig(ttl, updateType);
        }
    }
}
