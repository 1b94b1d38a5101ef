package io.flowmesh.coordinator;

import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.cluster.events.LifecycleLog;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.LifecycleEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Follows the lifecycle topic and knows which jobs run: the jobs the coordinator will trigger
 * checkpoints for. Checkpoint triggering itself is not built yet (see docs/architecture.md).
 */
@Singleton
public class JobTracker {
    private static final Logger LOG = Logger.getLogger(JobTracker.class);

    @Inject
    KafkaConfig kafka;

    @Inject
    Topics topics;

    @Inject
    MeterRegistry meters;

    private final Map<String, JobStatus> jobs = new ConcurrentHashMap<>();
    private LifecycleLog log;

    void onStart(@Observes StartupEvent ev) {
        meters.gauge("flowmesh_coordinator_running_jobs", jobs, j -> j.values().stream().filter(s -> s == JobStatus.RUNNING).count());
        log = new LifecycleLog(kafka.bootstrapServers(), topics, this::apply).start();
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (log != null) {
            log.close();
        }
    }

    private void apply(LifecycleEvent e) {
        if (e.hasJobStatusChanged()) {
            JobStatus s = e.getJobStatusChanged().getStatus();
            JobStatus previous = jobs.put(e.getJobId(), s);
            if (previous != s && (s == JobStatus.RUNNING || LifecycleEvents.isTerminal(s))) {
                LOG.infof("job %s is %s", e.getJobId(), s);
            }
        }
    }

    public Map<String, JobStatus> jobs() {
        return Map.copyOf(jobs);
    }
}
