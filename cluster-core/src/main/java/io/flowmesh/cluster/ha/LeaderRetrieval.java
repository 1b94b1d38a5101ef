package io.flowmesh.cluster.ha;

import java.util.Optional;

/**
 * Finds the current leader of a component (its address and epoch) as the leader published it
 * with its lease; used by TaskManagers, the dispatcher and the checkpoint coordinator to find
 * the leading JobManager. Thread-safe; each call asks the lease's store (no caching here:
 * callers ask again when a call to the leader they knew fails).
 */
public interface LeaderRetrieval {
    /** The leader as its lease names it, or empty when nobody holds the lease (or it expired and was released). */
    Optional<LeaderInformation> currentLeader();

    /** A retrieval that always answers the one configured address (no HA: the address never changes). */
    static LeaderRetrieval fixed(String address) {
        Optional<LeaderInformation> leader = Optional.of(new LeaderInformation(1, address));
        return () -> leader;
    }
}
