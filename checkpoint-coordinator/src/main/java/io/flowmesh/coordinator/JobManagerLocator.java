package io.flowmesh.coordinator;

import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.HighAvailabilityServices;
import io.flowmesh.cluster.ha.LeaderLocator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Where the leading JobManager is: the configured address, or with high availability the one its lease names. */
@ApplicationScoped
public class JobManagerLocator {
    @Produces
    @Singleton
    LeaderLocator jobManagerLeader(HighAvailabilityOptions options, HighAvailabilityServices services, CoordinatorConfig config) {
        return LeaderLocator.create(options, services, config.jobmanagerAddress(), LeaderLocator.JOBMANAGER);
    }
}
