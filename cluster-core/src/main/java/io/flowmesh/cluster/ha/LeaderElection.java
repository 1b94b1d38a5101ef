package io.flowmesh.cluster.ha;

/**
 * Leader election for one component (the JobManager) among several processes, with a lease:
 * the leader renews its lease every {@code retry-period}; a leader that could not renew within the
 * {@code renew-deadline} stops leading; a contender takes over a lease nobody renewed for the
 * {@code lease-duration} (Flink's {@code high-availability.kubernetes.leader-election.*} keys).
 * The lease carries the leader's {@link LeaderInformation}: its epoch (fencing token, growing with
 * every change of leader) and its address, which {@link LeaderRetrieval} reads.
 *
 * <p>Fencing: {@link #hasLeadership} is true only while the lease, as last renewed, is certainly
 * still this process's — measured on this process's monotonic clock from the start of the
 * renewal that succeeded, so a process that was paused (GC, {@code kill -STOP}) past its renew
 * deadline knows it may no longer lead the moment it resumes, before its election thread ran.
 * That is safe as long as {@code renew-deadline <= lease-duration} (checked by
 * {@link HighAvailabilityOptions}) and clocks run at the same rate.
 *
 * <p>Thread-safe. {@link #close} releases the lease if held, so that a standby takes over at once.
 */
public interface LeaderElection extends AutoCloseable {
    /** Starts competing; {@code contender} is called on the election's thread. Call once. */
    void start(LeaderContender contender);

    /** True while this process leads with exactly {@code epoch} and its lease is certainly valid. */
    boolean hasLeadership(long epoch);

    /** Stops competing; gives the lease up if held (calling {@code revokeLeadership} first). */
    @Override
    void close();
}
