package io.flowmesh.ha.kubernetes;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.LeaderContender;
import io.flowmesh.cluster.ha.LeaderElection;
import io.flowmesh.cluster.ha.LeaderInformation;
import io.flowmesh.cluster.ha.LeaderRetrieval;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A {@link LeaderElection} on a Kubernetes {@code Lease} ({@code coordination.k8s.io/v1}), run by
 * fabric8's {@code LeaderElector} with Flink's three settings
 * ({@code high-availability.kubernetes.leader-election.*}). The Lease is named
 * {@code <cluster id>-<component>-leader} in {@code kubernetes.namespace}.
 *
 * <ul>
 * <li><b>Address:</b> the holder identity is {@code <address>#<random id>} — the address before
 * the {@code #} is what {@link #retrieval} answers; the random part tells two incarnations of a
 * process at one address apart.</li>
 * <li><b>Epoch:</b> the Lease's {@code leaseTransitions} + 1 as this process wrote it when it
 * acquired the lease (Kubernetes increments it on every change of holder).</li>
 * <li><b>Fencing:</b> {@link #hasLeadership} is true only until the start of the last successful
 * write of the Lease by this process + {@code renew-deadline} (monotonic clock), besides
 * fabric8's own bookkeeping, so a paused process does not act on a lease it can no longer be
 * sure of.</li>
 * </ul>
 *
 * Callbacks come on a thread of this election's own; {@link #close} releases the Lease.
 */
public final class KubernetesLeaderElection implements LeaderElection {
    private static final Logger LOG = Logger.getLogger(KubernetesLeaderElection.class.getName());

    private final KubernetesClient client;
    private final HighAvailabilityOptions options;
    private final String leaseName;
    private final String identity;
    private final ExecutorService callbacks;
    private CompletableFuture<?> running;

    /** Guarded by this. */
    private long epoch;
    private boolean leading;
    private long lastWriteStartNanos;

    public KubernetesLeaderElection(KubernetesClient client, HighAvailabilityOptions options, String component, String address) {
        this.client = client;
        this.options = options;
        this.leaseName = leaseName(options, component);
        this.identity = address + "#" + UUID.randomUUID().toString().substring(0, 8);
        this.callbacks = Executors.newSingleThreadExecutor(r -> daemon(r, "leader-callbacks-" + component));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    static String leaseName(HighAvailabilityOptions options, String component) {
        return options.clusterId() + "-" + component + "-leader";
    }

    /** Reads the leader from the Lease of {@code component}. */
    public static LeaderRetrieval retrieval(KubernetesClient client, HighAvailabilityOptions options, String component) {
        String name = leaseName(options, component);
        return () -> {
            Lease lease = client.leases().inNamespace(options.kubernetesNamespace()).withName(name).get();
            if (lease == null || lease.getSpec() == null) {
                return Optional.empty();
            }
            String holder = lease.getSpec().getHolderIdentity();
            if (holder == null || holder.isEmpty() || holder.indexOf('#') <= 0) {
                return Optional.empty();
            }
            int transitions = lease.getSpec().getLeaseTransitions() == null ? 0 : lease.getSpec().getLeaseTransitions();
            return Optional.of(new LeaderInformation(transitions + 1L, holder.substring(0, holder.indexOf('#'))));
        };
    }

    @Override
    public synchronized void start(LeaderContender contender) {
        Lock lock = new TimedLock(new LeaseLock(options.kubernetesNamespace(), leaseName, identity));
        LeaderElectionConfigBuilder builder = new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(lock)
                .withLeaseDuration(options.leaseDuration())
                .withRenewDeadline(fabric8RenewDeadline(options))
                .withRetryPeriod(options.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> callbacks.execute(() -> {
                            long granted;
                            synchronized (this) {
                                leading = true;
                                granted = epoch;
                            }
                            LOG.info("leading Lease " + leaseName + " with epoch " + granted);
                            contender.grantLeadership(granted);
                        }),
                        () -> callbacks.execute(() -> {
                            synchronized (this) {
                                if (!leading) {
                                    return;
                                }
                                leading = false;
                            }
                            LOG.warning("no longer leading Lease " + leaseName);
                            contender.revokeLeadership();
                        }),
                        newLeader -> LOG.info("Lease " + leaseName + " is held by " + newLeader)));
        LeaderElectionConfig config;
        try {
            config = builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("high-availability.kubernetes.leader-election.* (lease " + options.leaseDuration() + ", renew deadline "
                    + options.renewDeadline() + ", retry period " + options.retryPeriod() + ") for Lease " + leaseName + ": " + e.getMessage(), e);
        }
        running = client.leaderElector().withConfig(config).build().start();
    }

    /**
     * fabric8 wants the renew deadline strictly below the lease duration; Flink's defaults make them
     * equal (15 s). Then fabric8 gets the lease duration less 1 ms: it gives up a lease it could not
     * renew 1 ms earlier, which is only safer. Fencing ({@link #hasLeadership}) keeps the configured deadline.
     */
    static Duration fabric8RenewDeadline(HighAvailabilityOptions options) {
        return options.renewDeadline().compareTo(options.leaseDuration()) < 0 ? options.renewDeadline()
                : options.leaseDuration().minusMillis(1);
    }

    @Override
    public synchronized boolean hasLeadership(long epoch) {
        return leading && epoch > 0 && this.epoch == epoch && System.nanoTime() - (lastWriteStartNanos + options.renewDeadline().toNanos()) < 0;
    }

    @Override
    public void close() {
        CompletableFuture<?> r;
        synchronized (this) {
            r = running;
        }
        if (r != null) {
            r.cancel(true); // releases the Lease (release on cancel), then calls onStopLeading
        }
        callbacks.shutdown();
        try {
            callbacks.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The LeaseLock, noting when this process last wrote the Lease successfully and with which transition count. */
    private final class TimedLock implements Lock {
        private final Lock delegate;

        TimedLock(Lock delegate) {
            this.delegate = delegate;
        }

        @Override
        public LeaderElectionRecord get(KubernetesClient c) {
            return delegate.get(c);
        }

        @Override
        public void create(KubernetesClient c, LeaderElectionRecord record) {
            long start = System.nanoTime();
            delegate.create(c, record);
            written(record, start);
        }

        @Override
        public void update(KubernetesClient c, LeaderElectionRecord record) {
            long start = System.nanoTime();
            delegate.update(c, record);
            written(record, start);
        }

        private void written(LeaderElectionRecord record, long start) {
            if (identity.equals(record.getHolderIdentity())) {
                synchronized (KubernetesLeaderElection.this) {
                    epoch = record.getLeaderTransitions() + 1L;
                    lastWriteStartNanos = start;
                }
            }
        }

        @Override
        public String identity() {
            return delegate.identity();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
