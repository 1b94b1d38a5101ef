package io.flowmesh.cluster.ha;

import io.flowmesh.cluster.storage.BlobStore;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A {@link LeaderElection} whose lease is one object in S3, kept with conditional writes
 * ({@code If-Match} on the entity tag, {@code If-None-Match: *} to create it) — the algorithm of
 * Kubernetes' leader election on a store with compare-and-set:
 *
 * <ul>
 * <li>Every {@code retry-period} the election thread reads the lease. Held by nobody (absent or
 * released): it writes itself in with epoch + 1. Held by another: it remembers when it last saw
 * the lease <em>change</em> (on its own monotonic clock: no clocks are compared across processes);
 * once the lease stayed unchanged for {@code lease-duration}, it takes it over with epoch + 1.
 * Held by itself: it renews (a new renew count, so the entity tag changes).</li>
 * <li>Every write is conditional on the entity tag just read, so of two contenders exactly one
 * wins; the loser learns it from the 412 and stays a standby.</li>
 * <li>The leader's lease is valid until the start of its last successful renewal plus
 * {@code renew-deadline}; past that {@link #hasLeadership} is false and the election revokes.</li>
 * </ul>
 *
 * <p>The lease object ({@code <prefix>leader/<component>/lease}) is a small properties text:
 * {@code holder} (a random id of this process), {@code epoch}, {@code address}, {@code renew-count},
 * {@code renew-time} (wall clock, for humans only). {@link #retrieval} reads it.
 */
public final class S3LeaderElection implements LeaderElection {
    private static final Logger LOG = Logger.getLogger(S3LeaderElection.class);

    private final BlobStore store;
    private final String key;
    private final String address;
    private final HighAvailabilityOptions options;
    private final String holder = UUID.randomUUID().toString();
    private final ScheduledExecutorService thread;

    private LeaderContender contender;
    /** Guarded by this: the epoch this process leads with (0: not leading) and until when (nanoTime). */
    private long leaderEpoch;
    private long validUntilNanos;
    /** Election thread only: the lease as last seen (entity tag) and when it last changed. */
    private String observedEtag;
    private long observedChangeNanos;
    private long renewCount;
    private volatile boolean closed;

    /**
     * @param keyPrefix the HA key prefix ({@link HighAvailabilityOptions#keyPrefix}), ending in {@code /}
     * @param component e.g. {@code jobmanager}
     * @param address where this process serves as leader ({@code host:port})
     */
    public S3LeaderElection(BlobStore store, String keyPrefix, String component, String address, HighAvailabilityOptions options) {
        this.store = store;
        this.key = leaseKey(keyPrefix, component);
        this.address = address;
        this.options = options;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "leader-election-" + component);
            t.setDaemon(true);
            return t;
        });
    }

    static String leaseKey(String keyPrefix, String component) {
        return keyPrefix + "leader/" + component + "/lease";
    }

    /** Reads the leader that the lease of {@code component} names. */
    public static LeaderRetrieval retrieval(BlobStore store, String keyPrefix, String component) {
        String key = leaseKey(keyPrefix, component);
        return () -> store.get(key).map(S3LeaderElection::parse).filter(r -> !r.holder().isEmpty())
                .map(r -> new LeaderInformation(r.epoch(), r.address()));
    }

    @Override
    public void start(LeaderContender contender) {
        this.contender = contender;
        thread.scheduleWithFixedDelay(this::round, 0, options.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized boolean hasLeadership(long epoch) {
        return !closed && epoch > 0 && leaderEpoch == epoch && System.nanoTime() - validUntilNanos < 0;
    }

    /** One round of the election loop, on the election thread. */
    private void round() {
        if (closed) {
            return;
        }
        long start = System.nanoTime();
        try {
            Optional<BlobStore.Versioned> current = store.getVersioned(key);
            Record seen = current.map(v -> parse(v.data())).orElse(null);
            String etag = current.map(BlobStore.Versioned::etag).orElse(null);
            if (etag == null || !etag.equals(observedEtag)) {
                observedEtag = etag;
                observedChangeNanos = start;
            }
            long leading;
            synchronized (this) {
                leading = leaderEpoch;
            }
            if (leading > 0) {
                if (seen == null || !holder.equals(seen.holder()) || seen.epoch() != leading) {
                    lose("the lease " + store.uri(key) + " names " + (seen == null ? "nobody" : seen.address() + " (epoch " + seen.epoch() + ")"));
                    return;
                }
                if (write(new Record(holder, leading, address, ++renewCount), etag)) {
                    extend(leading, start);
                } else {
                    lose("another process wrote the lease " + store.uri(key) + " first");
                }
                return;
            }
            boolean free = seen == null || seen.holder().isEmpty();
            boolean expired = !free && start - observedChangeNanos >= options.leaseDuration().toNanos();
            if (free || expired) {
                long epoch = seen == null ? 1 : seen.epoch() + 1;
                if (write(new Record(holder, epoch, address, ++renewCount), etag)) {
                    LOG.infof("leading %s with epoch %d (%s)", store.uri(key), epoch,
                            free ? "the lease was free" : "the lease of " + seen.address() + " expired");
                    extend(epoch, start);
                    contender.grantLeadership(epoch);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("leader election on %s: %s", store.uri(key), e.getMessage());
            checkDeadline();
        }
    }

    private synchronized void extend(long epoch, long renewStartNanos) {
        leaderEpoch = epoch;
        validUntilNanos = renewStartNanos + options.renewDeadline().toNanos();
    }

    /** After a failed read or write: a leader past its renew deadline stops leading. */
    private void checkDeadline() {
        long epoch;
        synchronized (this) {
            epoch = leaderEpoch;
        }
        if (epoch > 0 && !hasLeadership(epoch)) {
            lose("could not renew the lease " + store.uri(key) + " within " + options.renewDeadline());
        }
    }

    private void lose(String why) {
        synchronized (this) {
            if (leaderEpoch == 0) {
                return;
            }
            LOG.warnf("no longer leading (epoch %d): %s", leaderEpoch, why);
            leaderEpoch = 0;
        }
        contender.revokeLeadership();
    }

    private boolean write(Record r, String etag) {
        return store.putIfMatch(key, r.bytes(), etag);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            thread.submit(() -> {
                long epoch;
                synchronized (this) {
                    epoch = leaderEpoch;
                }
                if (epoch > 0) {
                    lose("the election was closed");
                    try {
                        store.getVersioned(key).filter(v -> holder.equals(parse(v.data()).holder()))
                                .ifPresent(v -> store.putIfMatch(key, new Record("", epoch, address, ++renewCount).bytes(), v.etag()));
                    } catch (RuntimeException e) {
                        LOG.warnf("could not release the lease %s: %s", store.uri(key), e.getMessage());
                    }
                }
                closed = true;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("releasing the lease %s: %s", store.uri(key), e.toString());
        } finally {
            closed = true;
            thread.shutdownNow();
        }
    }

    /** The lease's content; an empty holder means released. */
    record Record(String holder, long epoch, String address, long renewCount) {
        byte[] bytes() {
            Properties p = new Properties();
            p.setProperty("holder", holder);
            p.setProperty("epoch", Long.toString(epoch));
            p.setProperty("address", address);
            p.setProperty("renew-count", Long.toString(renewCount));
            p.setProperty("renew-time", java.time.Instant.now().toString());
            StringWriter w = new StringWriter();
            try {
                p.store(w, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return w.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    static Record parse(byte[] data) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(data, StandardCharsets.UTF_8)));
            return new Record(p.getProperty("holder", ""), Long.parseLong(p.getProperty("epoch", "0")), p.getProperty("address", ""),
                    Long.parseLong(p.getProperty("renew-count", "0")));
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("the lease object is malformed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "S3LeaderElection[" + store.uri(key) + ", " + address + ", lease " + Duration.ofNanos(options.leaseDuration().toNanos()) + "]";
    }
}
