package io.flowmesh.cluster.ha;

/**
 * A component that competes for leadership (the JobManager). A {@link LeaderElection} calls it
 * from its own election thread, one call at a time and in order: {@code grantLeadership} when it
 * acquired the lease, {@code revokeLeadership} when it lost it (not renewed within the renew
 * deadline, taken over by another, or the election closed). Implementations hand the work to
 * their own thread and return quickly; they must check {@link LeaderElection#hasLeadership} with
 * the granted epoch before every action that only a leader may take, since a revocation may
 * arrive late (after a pause of the process).
 */
public interface LeaderContender {
    /** This process now leads with this epoch (the fencing token of everything it does as leader). */
    void grantLeadership(long epoch);

    /** This process no longer leads; it must stop acting as leader at once, without touching what the new leader owns. */
    void revokeLeadership();
}
