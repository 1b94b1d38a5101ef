package io.flowmesh.jobmanager.ha;

import io.flowmesh.cluster.config.S3Config;
import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.LeaderLocator;
import io.flowmesh.cluster.ha.LeaderContender;
import io.flowmesh.cluster.ha.LeaderElection;
import io.flowmesh.cluster.ha.S3LeaderElection;
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
 * touches S3). With {@code high-availability.type: s3} it competes for the JobManager lease
 * ({@link S3LeaderElection}, publishing {@code flowmesh.jobmanager.advertised-address}) once the
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
    JobManagerConfig config;

    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    private volatile LeaderContender contender;
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

    public String advertisedAddress() {
        return config.advertisedAddress().orElse("127.0.0.1:" + httpPort);
    }

    /** After the scheduler's start observer (default priority): it has registered as contender. */
    void onStart(@Observes @Priority(3000) StartupEvent ev) {
        if (!options.enabled()) {
            return;
        }
        if (options.type() != HighAvailabilityOptions.Type.S3) {
            throw new IllegalStateException(HighAvailabilityOptions.TYPE + ": " + options.type().name().toLowerCase(java.util.Locale.ROOT)
                    + " is not wired into the JobManager yet (only s3)");
        }
        String prefix = options.keyPrefix(blobStore.bucket(), s3.haDir());
        synchronized (this) {
            election = new S3LeaderElection(blobStore, prefix, LeaderLocator.JOBMANAGER, advertisedAddress(), options);
        }
        LOG.infof("high availability (%s): competing for leadership as %s (lease %s, renew deadline %s, retry period %s)", options.type(),
                advertisedAddress(), options.leaseDuration(), options.renewDeadline(), options.retryPeriod());
        election.start(contender);
    }

    void onStop(@Observes ShutdownEvent ev) {
        LeaderElection e = election;
        if (e != null) {
            e.close();
        }
    }
}
