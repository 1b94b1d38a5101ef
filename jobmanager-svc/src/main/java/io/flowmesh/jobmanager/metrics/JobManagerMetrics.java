package io.flowmesh.jobmanager.metrics;

import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.jobmanager.resourcemanager.TaskManagerRegistry;
import io.flowmesh.proto.JobStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The JobManager's metrics with Flink's names (see {@code docs/metrics.md}): per job
 * {@code flink_jobmanager_job_uptime} (ms since the job last switched to RUNNING, 0 when it is not
 * running) and {@code flink_jobmanager_job_numRestarts}; for the cluster
 * {@code flink_jobmanager_numRegisteredTaskManagers}, {@code flink_jobmanager_taskSlotsTotal},
 * {@code flink_jobmanager_taskSlotsAvailable} and {@code flink_jobmanager_numRunningJobs}.
 *
 * <p>The scheduler's main thread reports every job status change through {@link #jobStatusChanged};
 * the gauges read the published values from the scrape thread. A job's gauges are removed when it
 * reaches a terminal status (bounded cardinality).
 */
@Singleton
public class JobManagerMetrics {
    @Inject
    MeterRegistry registry;

    @Inject
    TaskManagerRegistry taskManagers;

    private final Map<String, JobGauges> jobs = new ConcurrentHashMap<>();
    private final LongSupplier clock = System::currentTimeMillis;

    /** One job's values, written by the scheduler's main thread. */
    private static final class JobGauges {
        volatile long runningSince;
        volatile int restarts;
        List<Meter> meters = List.of();
    }

    void onStart(@Observes StartupEvent ev) {
        Gauge.builder("flink_jobmanager_numRegisteredTaskManagers", taskManagers, TaskManagerRegistry::size).register(registry);
        Gauge.builder("flink_jobmanager_taskSlotsTotal", taskManagers, TaskManagerRegistry::slotsTotal).register(registry);
        Gauge.builder("flink_jobmanager_taskSlotsAvailable", taskManagers, TaskManagerRegistry::slotsFree).register(registry);
        Gauge.builder("flink_jobmanager_numRunningJobs", jobs, Map::size).register(registry);
    }

    /**
     * The job switched to {@code status} in attempt {@code attempt} (= restarts so far). Registers the
     * job's gauges at its first change and removes them at a terminal status.
     */
    public void jobStatusChanged(String jobId, String jobName, JobStatus status, int attempt) {
        if (LifecycleEvents.isTerminal(status)) {
            JobGauges g = jobs.remove(jobId);
            if (g != null) {
                g.meters.forEach(registry::remove);
            }
            return;
        }
        JobGauges g = jobs.computeIfAbsent(jobId, id -> {
            JobGauges fresh = new JobGauges();
            Tags tags = Tags.of("job_id", jobId, "job_name", jobName);
            fresh.meters = List.of(
                    Gauge.builder("flink_jobmanager_job_uptime", fresh, x -> x.runningSince == 0 ? 0 : Math.max(0, clock.getAsLong() - x.runningSince))
                            .tags(tags).strongReference(true).register(registry),
                    Gauge.builder("flink_jobmanager_job_numRestarts", fresh, x -> x.restarts).tags(tags).strongReference(true).register(registry));
            return fresh;
        });
        g.restarts = attempt;
        if (status == JobStatus.RUNNING) {
            if (g.runningSince == 0) {
                g.runningSince = clock.getAsLong();
            }
        } else {
            g.runningSince = 0;
        }
    }
}
