package io.flowmesh.jobmanager.ha;

import io.flowmesh.cluster.config.S3Config;
import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.HighAvailabilityServices;
import io.flowmesh.cluster.ha.LeaderLocator;
import io.flowmesh.cluster.ha.LeaderContender;
import io.flowmesh.cluster.ha.LeaderElection;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.jobmanager.JobManagerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Whether this JobManager leads. Without high availability it always does (and nothing here
 * touches S3). With {@code high-availability.type: s3} or {@code kubernetes} it competes for the
 * JobManager lease (an election from {@link HighAvailabilityServices}: a lease object in S3 or a
 * Kubernetes Lease, publishing {@code flowmesh.jobmanager.advertised-address}) once the
 * scheduler has started, and hands grants and revocations to the {@link LeaderContender} the
 * scheduler registers. {@link #hasLeadership} is the fencing check the scheduler makes before
 * every deployment, cancellation and published event.
 */
@Singleton
public class JobManagerLeadership {
    private static final Logger LOG = Logger.getLogger(JobManagerLeadership.class);

    @Inject
    HighAvailabilityOptions options;

    @Inject
    BlobStore blobStore;

    @Inject
    S3Config s3;

    @Inject
    HighAvailabilityServices haServices;

    @Inject
    JobManagerConfig config;

    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    private volatile LeaderContender contender;
    /** The epoch last granted (0 after a revocation). */
    private volatile long grantedEpoch;
    private LeaderElection election;
    private JobStore jobStore;

    public boolean enabled() {
        return options.enabled();
    }

    /** The HA job store; empty without high availability. */
    public synchronized Optional<JobStore> jobStore() {
        if (!options.enabled()) {
            return Optional.empty();
        }
        if (jobStore == null) {
            jobStore = new JobStore(blobStore, options.keyPrefix(blobStore.bucket(), s3.haDir()));
        }
        return Optional.of(jobStore);
    }

    /** Called once by the scheduler at its start. */
    public void setContender(LeaderContender contender) {
        this.contender = contender;
    }

    /** True without HA; with HA, while this process leads with {@code epoch} and its lease is certainly valid. */
    public boolean hasLeadership(long epoch) {
        LeaderElection e = election;
        return !options.enabled() || (e != null && e.hasLeadership(epoch));
    }

    /** True without HA; with HA while this process leads (with the epoch last granted) and its lease is certainly valid. */
    public boolean leading() {
        return hasLeadership(grantedEpoch);
    }

    public String advertisedAddress() {
        return config.advertisedAddress().orElse("127.0.0.1:" + httpPort);
    }

    /** After the scheduler's start observer (default priority): it has registered as contender. */
    void onStart(@Observes @Priority(3000) StartupEvent ev) {
        if (!options.enabled()) {
            return;
        }
        synchronized (this) {
            election = haServices.leaderElection(LeaderLocator.JOBMANAGER, advertisedAddress());
        }
        LOG.infof("high availability (%s): competing for leadership as %s on %s (lease %s, renew deadline %s, retry period %s)",
                options.type(), advertisedAddress(), haServices.describe(LeaderLocator.JOBMANAGER), options.leaseDuration(),
                options.renewDeadline(), options.retryPeriod());
        LeaderContender scheduler = contender;
        election.start(new LeaderContender() {
            @Override
            public void grantLeadership(long epoch) {
                grantedEpoch = epoch;
                scheduler.grantLeadership(epoch);
            }

            @Override
            public void revokeLeadership() {
                grantedEpoch = 0;
                scheduler.revokeLeadership();
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
