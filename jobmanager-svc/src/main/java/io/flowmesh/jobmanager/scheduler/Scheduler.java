package io.flowmesh.jobmanager.scheduler;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.cluster.checkpoint.CheckpointSettings;
import io.flowmesh.cluster.checkpoint.CheckpointStorage;
import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.cluster.events.LifecyclePublisher;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.cluster.ha.LeaderContender;
import io.flowmesh.cluster.rpc.GrpcChannels;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.cluster.storage.StorageException;
import io.flowmesh.engine.graph.DeploymentPlan;
import io.flowmesh.engine.task.TaskSettings;
import io.flowmesh.jobmanager.JobManagerConfig;
import io.flowmesh.jobmanager.failover.RestartBackoffTimeStrategy;
import io.flowmesh.jobmanager.failover.RestartStrategies;
import io.flowmesh.jobmanager.failover.RestoreState;
import io.flowmesh.jobmanager.ha.FinishedSubtasks;
import io.flowmesh.jobmanager.ha.JobManagerLeadership;
import io.flowmesh.jobmanager.ha.JobStore;
import io.flowmesh.jobmanager.resourcemanager.TaskManagerRegistry;
import io.flowmesh.proto.CancelJobTasksRequest;
import io.flowmesh.proto.CheckpointMetadata;
import io.flowmesh.proto.Empty;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobSubmission;
import io.flowmesh.proto.OperatorState;
import io.flowmesh.proto.TaskDeploymentDescriptor;
import io.flowmesh.proto.TaskExecutionStateUpdate;
import io.flowmesh.proto.TaskExecutorServiceGrpc;
import io.flowmesh.proto.TaskStatusChanged;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Schedules jobs onto slots, deploys their subtasks, follows their states, restarts them after
 * failures and drives each job to its terminal status. Every state change runs on one main thread
 * (as Flink's JobMaster does), so the execution graphs need no locks; gRPC handlers, RPC callbacks
 * and S3 reads (on a small I/O pool) hop onto it.
 *
 * <p>Job statuses: {@code CREATED → RUNNING → FINISHED}; a failure (failed subtask, lost
 * TaskManager, FailJob, a deployment that cannot get slots or state) makes the job
 * {@code FAILING}: the other subtasks of the attempt are cancelled, and once all are terminal the
 * job's {@link RestartBackoffTimeStrategy} (asked at the failure) either restarts it —
 * {@code RESTARTING}, slots released, the backoff waited, slots allocated again, {@code RUNNING}
 * with attempt + 1 — or fails it ({@code FAILED} with the cause of the failure). Every deployment
 * restores the job's latest completed checkpoint, else the savepoint it was submitted with.
 * {@code CancelJob} makes it {@code CANCELLING → CANCELED}, also during a restart.
 *
 * <p>High availability ({@link JobManagerLeadership}): only the leader schedules. Every
 * deployment, cancellation and published event first checks that this process still leads with
 * its epoch (fencing: a leader that was paused past its lease does nothing when it resumes), and
 * deployments and cancellations carry the epoch, so TaskManagers refuse an older leader. A new
 * leader recovers every job of the HA {@link JobStore} without a result, with an attempt above
 * every earlier one, from its latest completed checkpoint; a revoked leader forgets its jobs and
 * TaskManagers without touching them.
 */
@Singleton
public class Scheduler {
    private static final Logger LOG = Logger.getLogger(Scheduler.class);

    @Inject
    TaskManagerRegistry registry;

    @Inject
    BlobStore blobStore;

    @Inject
    GrpcChannels channels;

    @Inject
    KafkaConfig kafka;

    @Inject
    Topics topics;

    @Inject
    JobManagerConfig config;

    @Inject
    io.flowmesh.jobmanager.metrics.JobManagerMetrics metrics;

    @Inject
    JobManagerLeadership leadership;

    /** The epoch this JobManager leads with; 0 while it does not (always 0 without HA, where it always leads). */
    private volatile long leaderEpoch;

    private final ScheduledExecutorService mainThread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "jobmanager-main"));
    /** S3 reads (job graphs, checkpoint metadata), off the main thread. */
    private final ExecutorService io = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "jobmanager-io");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ExecutionGraph> jobs = new LinkedHashMap<>();
    private LifecyclePublisher publisher;

    void onStart(@Observes StartupEvent ev) {
        publisher = new LifecyclePublisher(kafka.bootstrapServers(), topics, "flowmesh-jobmanager");
        registry.onTaskManagerLost(tm -> runOnMain(() -> taskManagerLost(tm)));
        leadership.setContender(new LeaderContender() {
            @Override
            public void grantLeadership(long epoch) {
                runOnMain(() -> Scheduler.this.grantLeadership(epoch));
            }

            @Override
            public void revokeLeadership() {
                runOnMain(Scheduler.this::revokeLeadership);
            }
        });
        long interval = config.heartbeatInterval().toMillis();
        mainThread.scheduleWithFixedDelay(() -> guarded(registry::checkHeartbeats), interval, interval, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        mainThread.shutdownNow();
        io.shutdownNow();
        if (publisher != null) {
            publisher.close();
        }
    }

    /** What a submission needs, read and checked off the main thread. */
    private record Prepared(JobGraph graph, CheckpointSettings settings, RestartBackoffTimeStrategy.Factory restartStrategy,
            Optional<CheckpointMetadata> savepoint) {}

    /**
     * Loads the JobGraph (and the savepoint to start from, if any) from S3, checks the job's restart
     * and checkpoint configuration, and starts scheduling it; completes once the job was accepted,
     * else exceptionally with a {@link StatusRuntimeException}: INVALID_ARGUMENT (malformed
     * configuration or savepoint path), NOT_FOUND (no job graph or savepoint there),
     * FAILED_PRECONDITION (savepoint state of an operator the job does not have), ALREADY_EXISTS.
     */
    public CompletableFuture<Void> submitJob(JobSubmission submission) {
        String jobId = submission.getJobId();
        if (!leading()) {
            return CompletableFuture.failedFuture(notLeading());
        }
        return CompletableFuture.supplyAsync(() -> prepare(submission), io).thenComposeAsync(prepared -> {
            if (jobs.containsKey(jobId)) {
                throw Status.ALREADY_EXISTS.withDescription("job " + jobId + " was already submitted").asRuntimeException();
            }
            ExecutionGraph eg = new ExecutionGraph(prepared.graph(), prepared.settings(), prepared.restartStrategy().create(), prepared.savepoint());
            jobs.put(jobId, eg);
            JobGraph graph = prepared.graph();
            LOG.infof("job %s (%s) accepted: %d vertices, %d subtasks, needs %d slots, restart strategy %s%s", jobId, graph.getJobName(),
                    graph.getVerticesCount(), eg.executions.size(), eg.slotsNeeded(), eg.restartStrategy,
                    prepared.savepoint().isPresent() ? ", from savepoint " + submission.getSavepointPath() : "");
            startAttempt(eg);
            return CompletableFuture.<Void>completedFuture(null);
        }, mainThread);
    }

    private Prepared prepare(JobSubmission submission) {
        String jobGraphUri = submission.getJobGraphUri();
        JobGraph graph;
        try {
            String key = blobStore.keyOf(jobGraphUri).orElseThrow(() -> Status.INVALID_ARGUMENT
                    .withDescription("job graph URI " + jobGraphUri + " is not in bucket " + blobStore.bucket()).asRuntimeException());
            byte[] bytes = blobStore.get(key).orElseThrow(() -> Status.NOT_FOUND
                    .withDescription("no job graph at " + jobGraphUri).asRuntimeException());
            graph = JobGraph.parseFrom(bytes);
        } catch (StatusRuntimeException e) {
            throw e;
        } catch (InvalidProtocolBufferException e) {
            throw Status.INVALID_ARGUMENT.withDescription("corrupt job graph at " + jobGraphUri).asRuntimeException();
        } catch (RuntimeException e) {
            throw Status.UNAVAILABLE.withDescription("cannot read the job graph: " + e.getMessage()).asRuntimeException();
        }
        String jobId = submission.getJobId();
        RestartBackoffTimeStrategy.Factory restartStrategy;
        CheckpointStorage storage = new CheckpointStorage(blobStore);
        CheckpointSettings settings;
        try {
            restartStrategy = RestartStrategies.fromConfiguration(graph.getConfigurationMap());
            settings = storage.settings(graph.getConfigurationMap());
            TaskSettings.DEFAULTS.withJobConfiguration(graph.getConfigurationMap()); // what the subtasks will read
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription("job " + jobId + ": " + e.getMessage()).asRuntimeException();
        }
        Optional<CheckpointMetadata> savepoint = Optional.empty();
        String path = submission.getSavepointPath().trim();
        if (!path.isEmpty()) {
            CheckpointMetadata metadata = readSavepoint(storage, path);
            Optional<String> refusal = RestoreState.checkAllStateMapped(metadata, graph, path, submission.getAllowNonRestoredState());
            if (refusal.isPresent()) {
                throw Status.FAILED_PRECONDITION.withDescription(refusal.get()).asRuntimeException();
            }
            RestoreState.firstUnmappedOperator(metadata, graph).ifPresent(id -> LOG.warnf(
                    "job %s: skipping the state of operator %s of savepoint %s, which the job does not have (non-restored state allowed)",
                    jobId, id, path));
            savepoint = Optional.of(metadata);
        }
        try {
            leadership.jobStore().ifPresent(store -> store.putSubmission(submission));
        } catch (RuntimeException e) {
            throw Status.UNAVAILABLE.withDescription("job " + jobId + ": cannot write it to the HA store: " + e.getMessage()).asRuntimeException();
        }
        return new Prepared(graph, settings, restartStrategy, savepoint);
    }

    /** Who the lifecycle events name: {@code jobmanager}, with HA {@code jobmanager@<advertised address>}. */
    private String reporter() {
        return leadership.enabled() ? "jobmanager@" + leadership.advertisedAddress() : "jobmanager";
    }

    /** True while this JobManager may act as leader (always without HA). */
    public boolean leading() {
        return leadership.hasLeadership(leaderEpoch);
    }

    /** UNAVAILABLE naming that this JobManager is a standby. */
    public StatusRuntimeException notLeading() {
        return Status.UNAVAILABLE.withDescription("the JobManager at " + leadership.advertisedAddress()
                + " is not the leader (a standby, or its leadership just ended); ask the leader named by the lease").asRuntimeException();
    }

    /** This process now leads: recover every job of the HA store that has no result. */
    private void grantLeadership(long epoch) {
        leaderEpoch = epoch;
        LOG.infof("leading with epoch %d; recovering the jobs of the HA store", epoch);
        JobStore store = leadership.jobStore().orElseThrow();
        CompletableFuture.supplyAsync(() -> {
            List<JobStore.RecoverableJob> recoverable = store.recoverable();
            Set<String> ids = new HashSet<>();
            recoverable.forEach(j -> ids.add(j.submission().getJobId()));
            var finished = ids.isEmpty() ? Map.<String, Map<Integer, Set<String>>>of()
                    : FinishedSubtasks.read(kafka.bootstrapServers(), topics.lifecycle(), ids, config.stateLookupTimeout());
            return Map.entry(recoverable, finished);
        }, io).whenComplete((found, error) -> {
            if (error != null) {
                LOG.errorf("epoch %d: cannot list the jobs to recover: %s", epoch, error.getMessage());
                return;
            }
            for (JobStore.RecoverableJob job : found.getKey()) {
                String jobId = job.submission().getJobId();
                Set<String> finishedSubtasks = found.getValue().getOrDefault(jobId, Map.of()).getOrDefault(job.lastAttempt(), Set.of());
                CompletableFuture.supplyAsync(() -> prepare(job.submission()), io).whenComplete((prepared, failure) -> runOnMain(() -> {
                    if (leaderEpoch != epoch || jobs.containsKey(jobId)) {
                        return;
                    }
                    if (failure != null) {
                        LOG.errorf("epoch %d: cannot recover job %s: %s", epoch, jobId, failure.getMessage());
                        return;
                    }
                    ExecutionGraph eg = new ExecutionGraph(prepared.graph(), prepared.settings(), prepared.restartStrategy().create(),
                            prepared.savepoint());
                    eg.recoverAt(job.lastAttempt());
                    if (finishedSubtasks.size() == eg.executions.size()) {
                        // every subtask of its last attempt finished while no JobManager led: the job is done
                        eg.executions.forEach(ex -> ex.state = ExecutionState.EXECUTION_FINISHED);
                        jobs.put(jobId, eg);
                        LOG.infof("job %s (%s): every subtask of attempt %d finished while no JobManager led; the job is FINISHED", jobId,
                                prepared.graph().getJobName(), eg.attempt);
                        finish(eg, JobStatus.FINISHED, null);
                        return;
                    }
                    eg.recoverAt(job.lastAttempt() + 1);
                    jobs.put(jobId, eg);
                    LOG.infof("job %s (%s) recovered from the HA store: attempt %d, %d subtasks", jobId, prepared.graph().getJobName(), eg.attempt,
                            eg.executions.size());
                    startAttempt(eg);
                }));
            }
        });
    }

    /** This process no longer leads: forget every job and TaskManager, touching nothing (the new leader owns them). */
    private void revokeLeadership() {
        LOG.warnf("no longer leading (epoch %d): dropping %d jobs and %d TaskManagers without touching them", leaderEpoch, jobs.size(), registry.size());
        leaderEpoch = 0;
        for (ExecutionGraph eg : jobs.values()) {
            eg.generation++; // no pending restart, slot retry or deployment goes on
        }
        jobs.clear();
        registry.clear();
    }

    private static CheckpointMetadata readSavepoint(CheckpointStorage storage, String path) {
        try {
            storage.key(path);
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription("savepoint path " + path + ": " + e.getMessage()).asRuntimeException();
        }
        try {
            return storage.readMetadata(path);
        } catch (IllegalArgumentException e) {
            // readMetadata names the path; "no checkpoint or savepoint at ..." when nothing is there
            Status status = e.getMessage() != null && e.getMessage().startsWith("no checkpoint or savepoint at") ? Status.NOT_FOUND : Status.INVALID_ARGUMENT;
            throw status.withDescription(e.getMessage()).asRuntimeException();
        } catch (StorageException e) {
            throw Status.UNAVAILABLE.withDescription("cannot read savepoint " + path + ": " + e.getMessage()).asRuntimeException();
        }
    }

    /** Allocates slots for the job's current (CREATED) or next (RESTARTING) attempt, then looks up its state and deploys it. */
    private void startAttempt(ExecutionGraph eg) {
        int generation = ++eg.generation;
        trySchedule(eg, generation, System.currentTimeMillis() + config.slotRequestTimeout().toMillis());
    }

    private static boolean awaitingDeployment(ExecutionGraph eg) {
        return eg.status == JobStatus.CREATED || eg.status == JobStatus.RESTARTING;
    }

    private void trySchedule(ExecutionGraph eg, int generation, long deadline) {
        if (eg.generation != generation || !awaitingDeployment(eg)) {
            return;
        }
        Optional<TaskManagerRegistry.SlotAllocation> slots = registry.allocate(eg.jobId(), eg.slotsNeeded());
        if (slots.isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                handleFailure(eg, "NoResourceAvailableException: could not acquire " + eg.slotsNeeded() + " slots within "
                        + config.slotRequestTimeout().toSeconds() + " s (" + registry.slotsFree() + " free of " + registry.slotsTotal() + ")");
            } else {
                mainThread.schedule(() -> guarded(() -> trySchedule(eg, generation, deadline)), 500, TimeUnit.MILLISECONDS);
            }
            return;
        }
        eg.slots = slots.get();
        int nextAttempt = eg.status == JobStatus.RESTARTING ? eg.attempt + 1 : eg.attempt;
        lookUpRestoreState(eg, nextAttempt).whenComplete((restore, error) -> runOnMain(() -> {
            if (eg.generation != generation || !awaitingDeployment(eg)) {
                return; // cancelled or failed meanwhile; that path released the slots
            }
            if (error != null) {
                handleFailure(eg, restoreFailure(eg, error));
                return;
            }
            if (!eg.slots.slots().stream().allMatch(registry::isRegistered)) {
                // a TaskManager of the allocation was lost while S3 answered: allocate again
                LOG.infof("job %s: a TaskManager of its slots was lost before deployment; allocating again", eg.jobId());
                registry.release(eg.jobId());
                eg.slots = null;
                mainThread.schedule(() -> guarded(() -> trySchedule(eg, generation, deadline)), 500, TimeUnit.MILLISECONDS);
                return;
            }
            deploy(eg, restore);
        }));
    }

    /**
     * The state the next deployment restores, read on the I/O pool: the job's latest completed
     * checkpoint, else its savepoint, else none. Fails when S3 cannot tell (so the job never
     * restarts without state when a checkpoint might exist).
     */
    private CompletableFuture<Optional<CheckpointMetadata>> lookUpRestoreState(ExecutionGraph eg, int nextAttempt) {
        String jobId = eg.jobId();
        String checkpointsDir = eg.checkpointSettings.checkpointsDir();
        Optional<CheckpointMetadata> savepoint = eg.savepoint;
        CheckpointStorage storage = new CheckpointStorage(blobStore);
        Optional<JobStore> haStore = leadership.jobStore();
        return CompletableFuture.supplyAsync(() -> {
            // with HA, the attempt is recorded before it deploys, so a new leader starts above it
            haStore.ifPresent(store -> store.putAttempt(jobId, nextAttempt));
            return RestoreState.select(storage.latestCompleted(checkpointsDir, jobId), savepoint);
        }, io)
                .orTimeout(config.stateLookupTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private String restoreFailure(ExecutionGraph eg, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String where = eg.checkpointSettings.checkpointsDir() + "/" + eg.jobId();
        if (e instanceof TimeoutException) {
            return "StorageException: S3 did not answer within " + config.stateLookupTimeout().toSeconds()
                    + " s when looking up the latest completed checkpoint under " + where;
        }
        if (e instanceof StorageException) {
            return "StorageException: S3 unreachable when looking up the latest completed checkpoint under " + where + ": " + e.getMessage();
        }
        return e.getClass().getSimpleName() + ": cannot read the latest completed checkpoint under " + where + ": " + e.getMessage();
    }

    /** Starts the attempt on its slots: RUNNING, every subtask SCHEDULED, then deployed with the restore state. */
    private void deploy(ExecutionGraph eg, Optional<CheckpointMetadata> restore) {
        if (!leading()) {
            return;
        }
        if (eg.status == JobStatus.RESTARTING) {
            eg.nextAttempt();
        }
        eg.restoredFrom = restore;
        if (restore.isPresent() && eg.savepoint.isPresent() && restore.get() != eg.savepoint.get()) {
            eg.savepoint = Optional.empty(); // the job has a checkpoint of its own now
        }
        transition(eg, JobStatus.RUNNING, null);
        restore.ifPresent(m -> LOG.infof("job %s attempt %d restores %s %d", eg.jobId(), eg.attempt,
                m.getType().name().toLowerCase(java.util.Locale.ROOT), m.getCheckpointId()));
        for (ExecutionGraph.Execution ex : eg.executions) {
            ex.taskManager = eg.slots.slots().get(ex.subtask);
            setTaskState(eg, ex, ExecutionState.SCHEDULED, null, true);
        }
        Map<String, List<OperatorState>> stateByVertex = new HashMap<>();
        for (ExecutionGraph.Execution ex : eg.executions) {
            TaskDeploymentDescriptor tdd = descriptor(eg, ex).toBuilder().setLeaderEpoch(leaderEpoch).build();
            if (restore.isPresent()) {
                List<OperatorState> state = stateByVertex.computeIfAbsent(ex.vertex.getVertexId(), v -> RestoreState.forVertex(restore.get(), ex.vertex));
                tdd = tdd.toBuilder().setRestoredCheckpointId(restore.get().getCheckpointId()).addAllRestoredState(state).build();
            }
            submitTask(eg, ex, tdd);
        }
    }

    private void submitTask(ExecutionGraph eg, ExecutionGraph.Execution ex, TaskDeploymentDescriptor tdd) {
        if (!leading()) {
            return;
        }
        TaskManagerRegistry.Entry tm = ex.taskManager;
        TaskExecutorServiceGrpc.newStub(channels.get(tm.rpcAddress)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitTask(tdd, new StreamObserver<>() {
                    @Override
                    public void onNext(Empty value) {}

                    @Override
                    public void onError(Throwable t) {
                        runOnMain(() -> {
                            if (ex.attempt != eg.attempt || ex.state != ExecutionState.SCHEDULED) {
                                return;
                            }
                            if (eg.status == JobStatus.RUNNING) {
                                setTaskState(eg, ex, ExecutionState.EXECUTION_FAILED,
                                        "deployment to " + tm.id + " at " + tm.rpcAddress + " failed: " + t.getMessage(), true);
                                handleFailure(eg, "could not deploy " + ex.vertex.getName() + " (" + (ex.subtask + 1) + "/" + ex.vertex.getParallelism()
                                        + ") to " + tm.id + ": " + t.getMessage());
                            } else {
                                // the job is already stopping: the deployment never happened, so nothing will report
                                setTaskState(eg, ex, ExecutionState.EXECUTION_CANCELED, null, true);
                            }
                            checkCompletion(eg);
                        });
                    }

                    @Override
                    public void onCompleted() {}
                });
    }

    private TaskDeploymentDescriptor descriptor(ExecutionGraph eg, ExecutionGraph.Execution ex) {
        List<TaskManagerRegistry.Entry> slots = eg.slots.slots();
        return eg.deploymentPlan.descriptor(ex.vertex, ex.subtask, eg.attempt, new DeploymentPlan.SlotLocations() {
            @Override
            public String taskManagerId(int slot) {
                return slots.get(slot).id;
            }

            @Override
            public String dataAddress(int slot) {
                return slots.get(slot).dataAddress;
            }
        });
    }

    /** A TaskManager reports a subtask's new state (after publishing it). Reports of other attempts are ignored. */
    public void updateTaskExecutionState(TaskExecutionStateUpdate u) {
        runOnMain(() -> {
            ExecutionGraph eg = jobs.get(u.getJobId());
            if (eg == null || u.getAttempt() != eg.attempt) {
                return;
            }
            ExecutionGraph.Execution ex = eg.execution(u.getVertexId(), u.getSubtaskIndex());
            if (ex == null || LifecycleEvents.isTerminal(ex.state)) {
                return;
            }
            setTaskState(eg, ex, u.getState(), u.getFailureCause(), false);
            if (u.getState() == ExecutionState.EXECUTION_FAILED) {
                handleFailure(eg, u.getFailureCause());
            }
            checkCompletion(eg);
        });
    }

    /**
     * The checkpoint coordinator fails the job's attempt (too many failed checkpoints); the restart
     * strategy decides what follows. A request for another attempt than the running one, or for a
     * job that is not RUNNING, is ignored.
     *
     * @return false when the job is unknown
     */
    public CompletableFuture<Boolean> failJob(String jobId, int attempt, String cause) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        runOnMain(() -> {
            ExecutionGraph eg = jobs.get(jobId);
            if (eg == null) {
                result.complete(false);
                return;
            }
            if (attempt == eg.attempt && eg.status == JobStatus.RUNNING) {
                handleFailure(eg, cause == null || cause.isBlank() ? "the checkpoint coordinator failed the job" : cause);
            } else {
                LOG.infof("job %s: ignoring FailJob for attempt %d (the job is %s in attempt %d)", jobId, attempt, eg.status, eg.attempt);
            }
            result.complete(true);
        });
        return result;
    }

    /** @return the status after the request, or empty when the job is unknown */
    public CompletableFuture<Optional<JobStatus>> cancelJob(String jobId) {
        CompletableFuture<Optional<JobStatus>> result = new CompletableFuture<>();
        runOnMain(() -> {
            ExecutionGraph eg = jobs.get(jobId);
            if (eg == null) {
                result.complete(Optional.empty());
                return;
            }
            if (!LifecycleEvents.isTerminal(eg.status) && eg.status != JobStatus.CANCELLING) {
                eg.generation++; // no pending restart, slot retry or deployment goes on
                transition(eg, JobStatus.CANCELLING, null);
                stopExecutions(eg);
                checkCompletion(eg);
            }
            result.complete(Optional.of(eg.status));
        });
        return result;
    }

    /**
     * A failure of the job's current attempt. Asks the restart strategy now (so the backoff runs
     * from the failure), makes the job FAILING with the cause and cancels what still runs;
     * {@link #checkCompletion} restarts or fails the job once every subtask is terminal. Ignored
     * when the job is already FAILING (the first cause wins), CANCELLING or terminal.
     */
    private void handleFailure(ExecutionGraph eg, String cause) {
        if (eg.status != JobStatus.RUNNING && !awaitingDeployment(eg)) {
            return;
        }
        eg.failureCause = cause == null ? "" : cause;
        eg.restartStrategy.notifyFailure(eg.failureCause);
        eg.restartPlanned = eg.restartStrategy.canRestart();
        eg.restartNotBefore = System.currentTimeMillis() + eg.restartStrategy.getBackoffTime();
        eg.generation++;
        transition(eg, JobStatus.FAILING, eg.failureCause);
        stopExecutions(eg);
        checkCompletion(eg);
    }

    /**
     * Cancels what runs. What never got a slot is CANCELED at once; what was deployed — or whose
     * deployment is still in flight (SCHEDULED) — is cancelled on its TaskManager, which reports
     * CANCELED (it also refuses a deployment that arrives after the cancellation).
     */
    private void stopExecutions(ExecutionGraph eg) {
        Set<TaskManagerRegistry.Entry> hosts = new HashSet<>();
        for (ExecutionGraph.Execution ex : eg.executions) {
            if (ex.state == ExecutionState.EXECUTION_CREATED || ex.taskManager == null) {
                if (!LifecycleEvents.isTerminal(ex.state)) {
                    setTaskState(eg, ex, ExecutionState.EXECUTION_CANCELED, null, true);
                }
            } else if (!LifecycleEvents.isTerminal(ex.state)) {
                hosts.add(ex.taskManager);
            }
        }
        if (!leading()) {
            return;
        }
        for (TaskManagerRegistry.Entry tm : hosts) {
            TaskExecutorServiceGrpc.newStub(channels.get(tm.rpcAddress)).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .cancelJobTasks(CancelJobTasksRequest.newBuilder().setJobId(eg.jobId()).setAttempt(eg.attempt).setLeaderEpoch(leaderEpoch).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(Empty value) {}

                        @Override
                        public void onError(Throwable t) {
                            LOG.warnf("cancelling the subtasks of job %s on %s failed: %s", eg.jobId(), tm.id, t.getMessage());
                            if (Status.fromThrowable(t).getCode() == Status.Code.UNAVAILABLE) {
                                // connection refused: the process is gone, so are its subtasks; do not wait
                                // for the heartbeat timeout to restart (Flink learns this from the lost connection too)
                                registry.unreachable(tm, "cancelling subtasks of job " + eg.jobId() + " at " + tm.rpcAddress + " failed: "
                                        + t.getMessage());
                            }
                        }

                        @Override
                        public void onCompleted() {}
                    });
        }
    }

    /** Once every subtask of the attempt is terminal: the job's next status. */
    private void checkCompletion(ExecutionGraph eg) {
        if (LifecycleEvents.isTerminal(eg.status) || awaitingDeployment(eg) || !eg.allTerminal()) {
            return;
        }
        switch (eg.status) {
            case FAILING -> {
                if (eg.restartPlanned) {
                    restartAfterBackoff(eg);
                } else {
                    finish(eg, JobStatus.FAILED, eg.failureCause);
                }
            }
            case CANCELLING -> finish(eg, JobStatus.CANCELED, null);
            default -> {
                if (eg.allFinished()) {
                    finish(eg, JobStatus.FINISHED, null);
                } else {
                    handleFailure(eg, "subtasks of job " + eg.jobId() + " ended CANCELED although nobody cancelled them");
                }
            }
        }
    }

    private void finish(ExecutionGraph eg, JobStatus terminal, String cause) {
        eg.generation++;
        transition(eg, terminal, cause);
        registry.release(eg.jobId());
        eg.slots = null;
        long epoch = leaderEpoch;
        leadership.jobStore().ifPresent(store -> io.execute(() -> {
            try {
                if (leadership.hasLeadership(epoch)) {
                    store.putResult(eg.jobId(), terminal);
                }
            } catch (RuntimeException e) {
                LOG.errorf("job %s is %s but its result could not be written to the HA store (a new leader would recover it): %s", eg.jobId(),
                        terminal, e.getMessage());
            }
        }));
    }

    /** RESTARTING: releases the slots and starts the next attempt when the backoff has passed. */
    private void restartAfterBackoff(ExecutionGraph eg) {
        registry.release(eg.jobId());
        eg.slots = null;
        transition(eg, JobStatus.RESTARTING, null);
        long delay = Math.max(0, eg.restartNotBefore - System.currentTimeMillis());
        int generation = ++eg.generation;
        LOG.infof("job %s restarts in %d ms (attempt %d failed: %s)", eg.jobId(), delay, eg.attempt, eg.failureCause);
        mainThread.schedule(() -> guarded(() -> {
            if (eg.generation == generation && eg.status == JobStatus.RESTARTING) {
                startAttempt(eg);
            }
        }), delay, TimeUnit.MILLISECONDS);
    }

    private void taskManagerLost(TaskManagerRegistry.Entry tm) {
        for (ExecutionGraph eg : jobs.values()) {
            if (LifecycleEvents.isTerminal(eg.status)) {
                continue;
            }
            boolean affected = false;
            for (ExecutionGraph.Execution ex : eg.executions) {
                if (ex.taskManager == tm && !LifecycleEvents.isTerminal(ex.state)) {
                    affected = true;
                    boolean stopping = eg.status == JobStatus.CANCELLING || eg.status == JobStatus.FAILING;
                    setTaskState(eg, ex, stopping ? ExecutionState.EXECUTION_CANCELED : ExecutionState.EXECUTION_FAILED,
                            stopping ? null : "TaskManager " + tm.id + " (" + tm.rpcAddress + ") was lost", true);
                }
            }
            if (affected) {
                handleFailure(eg, "TaskManager " + tm.id + " (" + tm.rpcAddress + ") was lost while running subtasks of this job");
                checkCompletion(eg);
            }
        }
    }

    private void transition(ExecutionGraph eg, JobStatus status, String cause) {
        JobStatus previous = eg.status;
        eg.status = status;
        LOG.infof("job %s (%s) switched from %s to %s (attempt %d)", eg.jobId(), eg.graph.getJobName(), previous, status, eg.attempt);
        metrics.jobStatusChanged(eg.jobId(), eg.graph.getJobName(), status, eg.attempt);
        publish(LifecycleEvents.jobStatus(eg.jobId(), reporter(), previous, status, eg.attempt, cause));
    }

    /** @param publish true when the JobManager is the one to publish this change (else the TaskManager did) */
    private void setTaskState(ExecutionGraph eg, ExecutionGraph.Execution ex, ExecutionState state, String cause, boolean publish) {
        ex.state = state;
        if (publish) {
            TaskStatusChanged.Builder t = TaskStatusChanged.newBuilder()
                    .setVertexId(ex.vertex.getVertexId()).setVertexName(ex.vertex.getName())
                    .setSubtaskIndex(ex.subtask).setParallelism(ex.vertex.getParallelism()).setAttempt(ex.attempt)
                    .setState(state).setTaskmanagerId(ex.taskManager == null ? "" : ex.taskManager.id)
                    .setFailureCause(cause == null ? "" : cause);
            publish(LifecycleEvents.taskStatus(eg.jobId(), reporter(), t));
        }
    }

    private void publish(io.flowmesh.proto.LifecycleEvent event) {
        if (!leading()) {
            LOG.warnf("not the leader: not publishing %s of job %s", event.getEventCase(), event.getJobId());
            return;
        }
        try {
            publisher.publish(event);
        } catch (RuntimeException e) {
            LOG.errorf("lost a lifecycle event of job %s: %s", event.getJobId(), e.getMessage());
        }
    }

    public int runningJobs() {
        try {
            return CompletableFuture.supplyAsync(() -> (int) jobs.values().stream().filter(j -> !LifecycleEvents.isTerminal(j.status)).count(),
                    mainThread).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return -1;
        }
    }

    private void runOnMain(Runnable r) {
        mainThread.execute(() -> guarded(r));
    }

    private static void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("unexpected failure on the JobManager's main thread", e);
        }
    }
}
