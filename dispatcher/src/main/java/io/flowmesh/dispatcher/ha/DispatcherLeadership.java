package io.flowmesh.dispatcher.ha;

import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.LeaderContender;
import io.flowmesh.cluster.ha.LeaderElection;
import io.flowmesh.cluster.ha.LeaderInformation;
import io.flowmesh.cluster.ha.LeaderLocator;
import io.flowmesh.cluster.ha.LeaderRetrieval;
import io.flowmesh.cluster.ha.HighAvailabilityServices;
import io.flowmesh.dispatcher.DispatcherConfig;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Whether this dispatcher leads. Without high availability it always does and nothing here
 * touches S3 (behaviour as before). With {@code high-availability.type: s3} it competes for the
 * lease {@value LeaderLocator#DISPATCHER} (from {@link HighAvailabilityServices}: S3 or a Kubernetes Lease), publishing
 * {@code flowmesh.dispatcher.advertised-address} — the {@code host:port} of its gRPC API and REST
 * endpoint — and is a <em>standby</em> until granted.
 *
 * <p>A standby serves every read (jobs, events, checkpoints, overview, the Web UI: its registry
 * follows the lifecycle topic like the leader's) and refuses every mutating call (upload, submit,
 * cancel, stop, savepoint, jar upload/run/delete) with {@link #notLeading}: gRPC
 * {@code UNAVAILABLE} naming the leader, with its address in the trailer
 * {@value #LEADER_TRAILER} for clients to follow; REST 503. Only the leader consumes the command
 * topic ({@link Listener}s are told of grants and revocations, on the election's thread). A
 * dispatcher that loses its lease becomes a standby again.
 *
 * <p>{@link #leading()} is the fencing check (the epoch it was granted, still certainly valid)
 * made before a submission stores, announces or hands over a job, and before a command runs.
 */
@Singleton
public class DispatcherLeadership {
    private static final Logger LOG = Logger.getLogger(DispatcherLeadership.class);
    /** The gRPC trailer (and REST header) that names the leading dispatcher's {@code host:port} on a standby's refusal. */
    public static final String LEADER_TRAILER = "flowmesh-dispatcher-leader";
    public static final Metadata.Key<String> LEADER_KEY = Metadata.Key.of(LEADER_TRAILER, Metadata.ASCII_STRING_MARSHALLER);

    /** Told when this dispatcher starts and stops leading, on the election's thread; must return quickly. */
    public interface Listener {
        void granted(long epoch);

        void revoked();
    }

    @Inject
    HighAvailabilityOptions options;

    @Inject
    HighAvailabilityServices haServices;

    @Inject
    DispatcherConfig config;

    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile LeaderElection election;
    private volatile LeaderRetrieval retrieval;
    private volatile long epoch;

    public boolean enabled() {
        return options.enabled();
    }

    /** Registers a listener; one registered before the startup event hears every grant. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** True without HA; with HA while this process leads with the epoch it was granted and its lease is certainly valid. */
    public boolean leading() {
        if (!options.enabled()) {
            return true;
        }
        LeaderElection e = election;
        long granted = epoch;
        return e != null && granted > 0 && e.hasLeadership(granted);
    }

    /** The epoch this dispatcher leads with (1 without HA, 0 while a standby). */
    public long epoch() {
        return options.enabled() ? epoch : 1;
    }

    /** True while this process leads with exactly {@code epoch} (always without HA). */
    public boolean hasLeadership(long granted) {
        LeaderElection e = election;
        return !options.enabled() || (e != null && e.hasLeadership(granted));
    }

    public String advertisedAddress() {
        return config.advertisedAddress().map(String::strip).filter(a -> !a.isEmpty()).orElse("127.0.0.1:" + httpPort);
    }

    /** The leading dispatcher as its lease names it (this one without HA); empty while nobody leads. */
    public Optional<LeaderInformation> leader() {
        if (!options.enabled()) {
            return Optional.of(new LeaderInformation(1, advertisedAddress()));
        }
        LeaderRetrieval r = retrieval;
        try {
            return r == null ? Optional.empty() : r.currentLeader();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The refusal of a standby: what it was asked ({@code what}), who leads (in the description and the trailer). */
    public StatusRuntimeException notLeading(String what) {
        Optional<String> leader = leader().map(LeaderInformation::address).filter(a -> !a.equals(advertisedAddress()));
        Metadata trailers = new Metadata();
        leader.ifPresent(a -> trailers.put(LEADER_KEY, a));
        return Status.UNAVAILABLE.withDescription(message(what, leader)).asRuntimeException(trailers);
    }

    /** The text of {@link #notLeading}: names this dispatcher and the leader (or that none leads now). */
    public String message(String what, Optional<String> leader) {
        return "this dispatcher (" + advertisedAddress() + ") is a standby and does not " + what + ": "
                + leader.map(a -> "the leading dispatcher is at " + a + "; send the call there")
                        .orElse("no dispatcher leads right now (a failover is in progress); retry in a few seconds");
    }

    /** Throws {@link #notLeading} unless this dispatcher leads. */
    public void requireLeading(String what) {
        if (!leading()) {
            throw notLeading(what);
        }
    }

    /** After the observers of the command processor (default priority): it has registered as listener. */
    void onStart(@Observes @Priority(3000) StartupEvent ev) {
        if (!options.enabled()) {
            return;
        }
        retrieval = haServices.leaderRetrieval(LeaderLocator.DISPATCHER);
        LeaderElection e = haServices.leaderElection(LeaderLocator.DISPATCHER, advertisedAddress());
        election = e;
        LOG.infof("high availability (%s): competing for the dispatcher's lease as %s; a standby (reads only) until it leads", options.type(),
                advertisedAddress());
        e.start(new LeaderContender() {
            @Override
            public void grantLeadership(long granted) {
                epoch = granted;
                LOG.infof("leading with epoch %d: accepting submissions and control calls, reading the command topic", granted);
                for (Listener l : listeners) {
                    l.granted(granted);
                }
            }

            @Override
            public void revokeLeadership() {
                long was = epoch;
                epoch = 0;
                LOG.warnf("no longer leading (epoch %d): a standby again", was);
                for (Listener l : listeners) {
                    l.revoked();
                }
            }
        });
    }

    void onStop(@Observes ShutdownEvent ev) {
        LeaderElection e = election;
        if (e != null) {
            e.close();
        }
    }
}
