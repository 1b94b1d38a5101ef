package io.flowmesh.coordinator;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.cluster.checkpoint.CheckpointSettings;
import io.flowmesh.cluster.checkpoint.CheckpointStorage;
import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.cluster.rpc.GrpcChannels;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.coordinator.checkpoint.CheckpointActions;
import io.flowmesh.coordinator.checkpoint.JobCheckpoints;
import io.flowmesh.coordinator.checkpoint.PendingCheckpoint;
import io.flowmesh.coordinator.job.JobView;
import io.flowmesh.coordinator.kafka.CheckpointPublisher;
import io.flowmesh.coordinator.kafka.TopicReplay;
import io.flowmesh.proto.CheckpointEvent;
import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.CheckpointStats;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.FailJobRequest;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobManagerServiceGrpc;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.SavepointStatus;
import io.flowmesh.proto.TriggerSavepointResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.flowmesh.cluster.ha.HighAvailabilityOptions;
import io.flowmesh.cluster.ha.LeaderContender;
import io.flowmesh.cluster.ha.LeaderElection;
import io.flowmesh.cluster.ha.LeaderLocator;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The checkpoint coordinator: follows every job on the lifecycle topic, runs one
 * {@link JobCheckpoints} state machine per job against the checkpoints topic, and serves the
 * savepoint and history requests of {@code coordinator.proto}.
 *
 * <p>Threads. Every state change runs on one coordinator thread (as Flink's JobMaster main
 * thread): the two topic readers, the timer tick and the gRPC handlers hand their work to it, so
 * the state needs no locks. S3 reads of JobGraphs and {@code _metadata} writes run on it too (one
 * small object each); discarding files and calling the JobManager run on an I/O thread.
 *
 * <p>Start. Both topics are read from their beginning. Nothing is triggered before both are caught
 * up; then every checkpoint the previous run left pending is resolved (completed if its
 * {@code _metadata} exists, else aborted and discarded), and before a job's first trigger its
 * checkpoint directory in S3 is reconciled ({@link JobCheckpoints#recoverStorage}).
 */
@Singleton
public class CheckpointCoordinator {
    private static final Logger LOG = Logger.getLogger(CheckpointCoordinator.class);
    private static final Pattern CHK_KEY = Pattern.compile("chk-(\\d+)/(.*)");

    @Inject
    KafkaConfig kafka;

    @Inject
    Topics topics;

    @Inject
    BlobStore blobStore;

    @Inject
    GrpcChannels channels;

    @Inject
    CoordinatorConfig config;

    @Inject
    io.flowmesh.cluster.ha.LeaderLocator jobManagerLeader;

    @Inject
    MeterRegistry meters;

    private final ScheduledExecutorService main = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "coordinator-main"));
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> daemon(r, "coordinator-io"));
    private final Map<String, JobView> jobs = new HashMap<>();
    private final Map<String, JobCheckpoints> checkpoints = new HashMap<>();
    private final Map<String, JobMetrics> metrics = new HashMap<>();
    private final Map<String, Long> storageRetryAt = new HashMap<>();
    private final AtomicLong runningJobs = new AtomicLong();
    private boolean lifecycleCaughtUp;
    private boolean checkpointsCaughtUp;
    private CheckpointStorage storage;
    private CheckpointPublisher publisher;
    private TopicReplay lifecycleReplay;
    private TopicReplay checkpointReplay;
    private CheckpointActions actions;
    /** With high availability: this coordinator's election and the epoch it leads with (0: standby). */
    private LeaderElection election;
    private volatile long leaderEpoch;
    private volatile boolean stopping;

    @Inject
    HighAvailabilityOptions haOptions;

    @Inject
    io.flowmesh.cluster.ha.HighAvailabilityServices haServices;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    /**
     * One job's checkpoint metrics with Flink's names, written by the coordinator thread, read by the
     * scrape: registered once the job's name is known (its graph loaded), removed when the job ended
     * and nothing is pending.
     */
    private static final class JobMetrics {
        final AtomicLong lastDurationMs = new AtomicLong();
        final AtomicLong lastSizeBytes = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong inProgress = new AtomicLong();
        java.util.List<Meter> meters = java.util.List.of();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void onStart(@Observes StartupEvent ev) {
        storage = new CheckpointStorage(blobStore);
        publisher = new CheckpointPublisher(kafka.bootstrapServers(), topics);
        actions = new Actions();
        meters.gauge("flowmesh_coordinator_running_jobs", runningJobs);
        if (!haOptions.enabled()) {
            startCoordinating();
            return;
        }
        String address = config.advertisedAddress().orElse("127.0.0.1:" + httpPort);
        election = haServices.leaderElection(LeaderLocator.COORDINATOR, address);
        LOG.infof("high availability (%s): competing for the coordinator's lease as %s on %s; a standby until it leads", haOptions.type(), address,
                haServices.describe(LeaderLocator.COORDINATOR));
        election.start(new LeaderContender() {
            @Override
            public void grantLeadership(long epoch) {
                leaderEpoch = epoch;
                LOG.infof("leading with epoch %d: reading the topics and S3, then checkpointing", epoch);
                startCoordinating();
            }

            @Override
            public void revokeLeadership() {
                // the state machines may be behind the new leader's; a coordinator that lost its lease
                // stops for good (its supervisor starts it again as a standby), as a paused one must
                if (stopping) {
                    return; // released at shutdown
                }
                LOG.errorf("lost the coordinator's lease (epoch %d): stopping this process", leaderEpoch);
                Quarkus.asyncExit(3);
            }
        });
    }

    /** True while this coordinator may act (always without HA). */
    private boolean leading() {
        return election == null || election.hasLeadership(leaderEpoch);
    }

    /** Reads the topics from the beginning and starts the trigger loop: at start, or (HA) once leading. */
    private void startCoordinating() {
        lifecycleReplay = new TopicReplay(kafka.bootstrapServers(), topics, topics.lifecycle(), bytes -> onMain("a lifecycle event", () -> onLifecycle(bytes)),
                () -> onMain("catching up", () -> {
                    lifecycleCaughtUp = true;
                    LOG.info("caught up with the lifecycle topic");
                })).start();
        checkpointReplay = new TopicReplay(kafka.bootstrapServers(), topics, topics.checkpoints(),
                bytes -> onMain("a checkpoint event", () -> onCheckpointEvent(bytes)), () -> onMain("catching up", this::onCheckpointsCaughtUp)).start();
        long tick = Math.max(1, config.tickInterval().toMillis());
        main.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        stopping = true;
        if (election != null) {
            election.close();
        }
        if (lifecycleReplay != null) {
            lifecycleReplay.close();
        }
        if (checkpointReplay != null) {
            checkpointReplay.close();
        }
        main.shutdownNow();
        io.shutdown();
        try {
            io.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    /** Runs the task on the coordinator thread; what it throws is logged (an executor would keep it in a future nobody reads). */
    private void onMain(String what, Runnable task) {
        main.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "handling %s failed", what);
            }
        });
    }

    // ---- events, on the coordinator thread ----

    private void onLifecycle(byte[] bytes) {
        LifecycleEvent e;
        try {
            e = LifecycleEvent.parseFrom(bytes);
        } catch (InvalidProtocolBufferException ex) {
            LOG.warnf("skipping a malformed lifecycle event: %s", ex.getMessage());
            return;
        }
        if (e.getJobId().isEmpty()) {
            return;
        }
        JobView job = jobs.computeIfAbsent(e.getJobId(), JobView::new);
        JobStatus before = job.status();
        job.apply(e);
        if (job.status() != before && (job.status() == JobStatus.RUNNING || job.isTerminal())) {
            LOG.infof("job %s is %s (attempt %d)", job.jobId(), job.status(), job.attempt());
        }
        JobCheckpoints cps = checkpoints.get(e.getJobId());
        if (cps != null) {
            cps.lifecycleChanged(System.currentTimeMillis(), job);
        }
    }

    private void onCheckpointEvent(byte[] bytes) {
        CheckpointEvent e;
        try {
            e = CheckpointEvent.parseFrom(bytes);
        } catch (InvalidProtocolBufferException ex) {
            LOG.warnf("skipping a malformed checkpoint event: %s", ex.getMessage());
            return;
        }
        if (e.getJobId().isEmpty()) {
            return;
        }
        JobCheckpoints cps = jobCheckpoints(e.getJobId());
        if (!checkpointsCaughtUp) {
            cps.replay(e);
            return;
        }
        cps.observeId(e.getCheckpointId());
        long now = System.currentTimeMillis();
        switch (e.getEventCase()) {
            case ACKNOWLEDGE -> cps.acknowledge(now, e);
            case DECLINE -> cps.decline(now, e);
            case INPUT_ENDED -> {
                JobView job = jobs.get(e.getJobId());
                if (job != null) {
                    cps.inputEnded(now, e, job);
                }
            }
            default -> {
                // our own trigger, completed and abort events coming back
            }
        }
    }

    private void onCheckpointsCaughtUp() {
        checkpointsCaughtUp = true;
        long now = System.currentTimeMillis();
        int resolved = 0;
        for (JobCheckpoints cps : checkpoints.values()) {
            var pending = cps.replayedPending();
            if (pending.isEmpty()) {
                continue;
            }
            String location = pending.get().getTrigger().getTargetLocation();
            boolean complete = false;
            try {
                complete = blobStore.exists(storage.key(CheckpointStorage.metadataUri(location)));
            } catch (RuntimeException ex) {
                LOG.warnf("cannot check %s: %s; aborting the checkpoint", CheckpointStorage.metadataUri(location), ex.getMessage());
            }
            cps.resolveReplayedPending(now, complete);
            resolved++;
        }
        LOG.infof("caught up with the checkpoints topic: %d jobs, %d checkpoints left pending by a previous run resolved", checkpoints.size(), resolved);
    }

    private JobCheckpoints jobCheckpoints(String jobId) {
        return checkpoints.computeIfAbsent(jobId, id -> {
            metrics.put(id, new JobMetrics());
            return new JobCheckpoints(id, config.historySize(), actions);
        });
    }

    /** On the coordinator thread: copies each job's counts for the scrape; registers and removes the jobs' gauges. */
    private void updateJobMetrics() {
        for (Map.Entry<String, JobMetrics> e : metrics.entrySet()) {
            String jobId = e.getKey();
            JobMetrics m = e.getValue();
            JobCheckpoints cps = checkpoints.get(jobId);
            JobView job = jobs.get(jobId);
            if (cps != null) {
                m.completed.set(cps.history().completedCount());
                m.failed.set(cps.history().failedCount());
                m.inProgress.set(cps.pending().isPresent() ? 1 : 0);
            }
            boolean ended = job == null || job.isTerminal();
            if (ended && m.inProgress.get() == 0) {
                if (!m.meters.isEmpty()) {
                    m.meters.forEach(meters::remove);
                    m.meters = java.util.List.of();
                }
            } else if (m.meters.isEmpty() && job != null && job.graph().isPresent()) {
                Tags tags = Tags.of("job_id", jobId, "job_name", job.graph().get().getJobName());
                m.meters = java.util.List.of(
                        gauge("flink_jobmanager_job_lastCheckpointDuration", tags, m.lastDurationMs),
                        gauge("flink_jobmanager_job_lastCheckpointSize", tags, m.lastSizeBytes),
                        gauge("flink_jobmanager_job_numberOfCompletedCheckpoints", tags, m.completed),
                        gauge("flink_jobmanager_job_numberOfFailedCheckpoints", tags, m.failed),
                        gauge("flink_jobmanager_job_numberOfInProgressCheckpoints", tags, m.inProgress));
            }
        }
    }

    private Meter gauge(String name, Tags tags, AtomicLong value) {
        return Gauge.builder(name, value, AtomicLong::get).tags(tags).strongReference(true).register(meters);
    }

    private void tick() {
        try {
            runningJobs.set(jobs.values().stream().filter(j -> j.status() == JobStatus.RUNNING).count());
            updateJobMetrics();
            if (!lifecycleCaughtUp || !checkpointsCaughtUp) {
                return;
            }
            long now = System.currentTimeMillis();
            for (JobView job : jobs.values()) {
                JobCheckpoints cps = checkpoints.get(job.jobId());
                if (job.status() != JobStatus.RUNNING && (cps == null || cps.pending().isEmpty())) {
                    continue;
                }
                if (job.status() == JobStatus.RUNNING && job.graphLoadDue(now)) {
                    loadGraph(job, now);
                }
                cps = jobCheckpoints(job.jobId());
                if (job.settings().isPresent() && !cps.storageRecovered() && now >= storageRetryAt.getOrDefault(job.jobId(), 0L)) {
                    recoverStorage(job, cps, now);
                }
                cps.tick(now, job);
            }
        } catch (RuntimeException e) {
            LOG.error("checkpoint coordinator tick failed", e);
        }
    }

    private boolean loadGraph(JobView job, long now) {
        String uri = job.jobGraphUri();
        try {
            String key = blobStore.keyOf(uri).orElseThrow(() -> new IllegalArgumentException("not in bucket " + blobStore.bucket()));
            byte[] bytes = blobStore.get(key).orElseThrow(() -> new IllegalArgumentException("no such object"));
            JobGraph graph = JobGraph.parseFrom(bytes);
            CheckpointSettings settings = null;
            String error = null;
            try {
                settings = storage.settings(graph.getConfigurationMap());
            } catch (IllegalArgumentException e) {
                error = e.getMessage();
                LOG.errorf("job %s takes no checkpoints: %s", job.jobId(), error);
            }
            job.graphLoaded(graph, settings, error);
            return true;
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            LOG.warnf("cannot read the JobGraph of job %s from %s: %s (retrying in %s)", job.jobId(), uri, e.getMessage(), config.jobGraphRetry());
            job.graphLoadFailed(now + config.jobGraphRetry().toMillis());
            return false;
        }
    }

    private boolean recoverStorage(JobView job, JobCheckpoints cps, long now) {
        CheckpointSettings s = job.settings().orElseThrow();
        String jobDir = s.checkpointsDir() + "/" + job.jobId() + "/";
        try {
            String prefix = storage.key(jobDir);
            Set<Long> existing = new HashSet<>();
            SortedSet<Long> completed = new TreeSet<>();
            for (String key : blobStore.list(prefix + "chk-")) {
                Matcher m = CHK_KEY.matcher(key.substring(prefix.length()));
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    existing.add(n);
                    if (m.group(2).equals(CheckpointStorage.METADATA)) {
                        completed.add(n);
                    }
                }
            }
            cps.recoverStorage(s, existing, completed);
            storageRetryAt.remove(job.jobId());
            LOG.infof("job %s: checkpoints continue after id %d; retained completed checkpoints %s", job.jobId(), cps.nextId() - 1, cps.retainedIds());
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("cannot list the checkpoints of job %s under %s: %s (retrying in %s)", job.jobId(), jobDir, e.getMessage(), config.jobGraphRetry());
            storageRetryAt.put(job.jobId(), now + config.jobGraphRetry().toMillis());
            return false;
        }
    }

    // ---- requests (gRPC), answered on the coordinator thread ----

    /** TriggerSavepoint of coordinator.proto; throws a StatusRuntimeException that names the job and the reason. */
    public TriggerSavepointResponse triggerSavepoint(String jobId, String targetDirectory, CheckpointType requested) {
        return call(() -> {
            CheckpointType type = requested == CheckpointType.CHECKPOINT_TYPE_UNSPECIFIED ? CheckpointType.SAVEPOINT : requested;
            if (type == CheckpointType.CHECKPOINT || type == CheckpointType.UNRECOGNIZED) {
                throw Status.INVALID_ARGUMENT.withDescription("type must be SAVEPOINT, SAVEPOINT_STOP or SAVEPOINT_STOP_DRAIN, was " + requested)
                        .asRuntimeException();
            }
            JobView job = knownJob(jobId);
            requireCaughtUp();
            if (job.status() != JobStatus.RUNNING) {
                throw Status.FAILED_PRECONDITION.withDescription("cannot take a savepoint of job " + jobId + ": it is " + job.status() + ", not RUNNING")
                        .asRuntimeException();
            }
            long now = System.currentTimeMillis();
            if (job.graph().isEmpty() && !loadGraph(job, now)) {
                throw Status.UNAVAILABLE.withDescription("cannot take a savepoint of job " + jobId + ": its JobGraph at " + job.jobGraphUri()
                        + " cannot be read (see the coordinator's log)").asRuntimeException();
            }
            if (job.settingsError().isPresent()) {
                throw Status.FAILED_PRECONDITION.withDescription("cannot take a savepoint of job " + jobId + ": " + job.settingsError().get())
                        .asRuntimeException();
            }
            var notRunning = job.whyNotCheckpointable(job.attempt());
            if (notRunning.isPresent()) {
                throw Status.FAILED_PRECONDITION.withDescription("cannot take a savepoint of job " + jobId + ": " + notRunning.get()).asRuntimeException();
            }
            JobCheckpoints cps = jobCheckpoints(jobId);
            if (!cps.storageRecovered() && !recoverStorage(job, cps, now)) {
                throw Status.UNAVAILABLE.withDescription("cannot take a savepoint of job " + jobId + ": its checkpoint directory cannot be listed")
                        .asRuntimeException();
            }
            String dir = targetDirectory.isBlank() ? job.settings().orElseThrow().savepointDir() : stripSlash(targetDirectory.trim());
            if (!targetDirectory.isBlank()) {
                try {
                    storage.key(dir + "/");
                } catch (IllegalArgumentException e) {
                    throw Status.INVALID_ARGUMENT.withDescription("target directory of the savepoint of job " + jobId + ": " + e.getMessage())
                            .asRuntimeException();
                }
            }
            var pending = cps.pending();
            if (pending.isPresent() && pending.get().isSavepoint()) {
                throw Status.FAILED_PRECONDITION.withDescription("cannot take a savepoint of job " + jobId + ": savepoint " + pending.get().id()
                        + " is in progress (GetSavepointStatus)").asRuntimeException();
            }
            cps.abortForSavepoint(now, cps.nextId());
            String location = CheckpointStorage.savepointLocation(dir, jobId, cps.nextId());
            PendingCheckpoint p = cps.trigger(now, job, type, location);
            LOG.infof("triggered %s %d of job %s at %s", type, p.id(), jobId, location);
            return TriggerSavepointResponse.newBuilder().setCheckpointId(p.id()).setLocation(location).build();
        });
    }

    public SavepointStatus savepointStatus(String jobId, long checkpointId) {
        return call(() -> {
            knownJob(jobId);
            CheckpointStats s = jobCheckpoints(jobId).history().savepoint(checkpointId).orElseThrow(() -> Status.NOT_FOUND
                    .withDescription("job " + jobId + " has no savepoint " + checkpointId + " in the coordinator's history").asRuntimeException());
            SavepointStatus.Builder b = SavepointStatus.newBuilder().setStatus(s.getStatus());
            if (s.getStatus() == CheckpointStatus.CHECKPOINT_COMPLETED) {
                b.setLocation(s.getLocation());
            } else if (s.getStatus() == CheckpointStatus.CHECKPOINT_FAILED) {
                b.setFailureCause(s.getFailureCause());
            }
            return b.build();
        });
    }

    public CheckpointHistory listCheckpoints(String jobId) {
        return call(() -> {
            knownJob(jobId);
            return jobCheckpoints(jobId).history().snapshot(System.currentTimeMillis());
        });
    }

    private JobView knownJob(String jobId) {
        JobView job = jobs.get(jobId);
        if (job == null) {
            throw Status.NOT_FOUND.withDescription("job " + jobId + " is unknown to the checkpoint coordinator (no event of it on "
                    + topics.lifecycle() + ")").asRuntimeException();
        }
        return job;
    }

    private void requireCaughtUp() {
        if (election != null && !leading()) {
            throw Status.UNAVAILABLE.withDescription("this checkpoint coordinator is a standby; the leader is named by its lease").asRuntimeException();
        }
        if (!lifecycleCaughtUp || !checkpointsCaughtUp) {
            throw Status.UNAVAILABLE.withDescription("the checkpoint coordinator is still reading " + topics.lifecycle() + " and "
                    + topics.checkpoints() + "; retry shortly").asRuntimeException();
        }
    }

    private <T> T call(Callable<T> task) {
        Future<T> f = main.submit(task);
        try {
            return f.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) {
                throw s;
            }
            throw Status.INTERNAL.withDescription(String.valueOf(e.getCause())).withCause(e.getCause()).asRuntimeException();
        } catch (TimeoutException e) {
            f.cancel(true);
            throw Status.UNAVAILABLE.withDescription("the checkpoint coordinator did not answer within " + config.requestTimeout()).asRuntimeException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        }
    }

    private static String stripSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    /** The I/O of the state machines. */
    private final class Actions implements CheckpointActions {
        @Override
        public void publish(CheckpointEvent event) {
            if (!leading()) {
                LOG.warnf("not the leading coordinator: not publishing %s of checkpoint %d of job %s", event.getEventCase(), event.getCheckpointId(),
                        event.getJobId());
                return;
            }
            publisher.publish(event);
        }

        @Override
        public void writeMetadata(String location, CheckpointMetadata metadata) {
            if (!leading()) {
                throw new IllegalStateException("not the leading coordinator: not writing the metadata of " + location);
            }
            storage.writeMetadata(location, metadata);
        }

        @Override
        public void discard(String location) {
            if (!leading()) {
                return;
            }
            io.execute(() -> {
                try {
                    int n = storage.discard(location);
                    LOG.debugf("discarded %d files under %s", n, location);
                } catch (RuntimeException e) {
                    LOG.warnf("cannot discard %s: %s", location, e.getMessage());
                }
            });
        }

        @Override
        public void failJob(String jobId, int attempt, String cause) {
            if (!leading()) {
                return;
            }
            io.execute(() -> {
                try {
                    JobManagerServiceGrpc.newBlockingStub(channels.get(jobManagerLeader.address()))
                            .withDeadlineAfter(config.failJobTimeout().toMillis(), TimeUnit.MILLISECONDS)
                            .failJob(FailJobRequest.newBuilder().setJobId(jobId).setAttempt(attempt).setCause(cause).build());
                } catch (RuntimeException e) {
                    LOG.errorf("could not ask the JobManager at %s to fail job %s attempt %d: %s", jobManagerLeader.address(), jobId, attempt,
                            e.getMessage());
                }
            });
        }

        @Override
        public void recordCompleted(String jobId, CheckpointType type, long durationMs, long stateSizeBytes) {
            JobMetrics m = metrics.get(jobId);
            m.lastDurationMs.set(durationMs);
            m.lastSizeBytes.set(stateSizeBytes);
        }

        @Override
        public void recordFailed(String jobId, CheckpointType type) {
            // counted by the job's history; the gauges read it at the next tick
        }
    }
}
