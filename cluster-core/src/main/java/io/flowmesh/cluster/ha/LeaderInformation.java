package io.flowmesh.cluster.ha;

/**
 * Who leads a component: the leader's session {@code epoch} — a number that grows with every
 * change of leader and serves as the fencing token (Flink's leader session id) — and the
 * {@code address} ({@code host:port}) at which the leader serves, published with its lease.
 */
public record LeaderInformation(long epoch, String address) {
    public LeaderInformation {
        if (epoch < 1) {
            throw new IllegalArgumentException("a leader epoch starts at 1, got " + epoch);
        }
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("a leader needs an address");
        }
    }
}
