package io.flowmesh.taskmanager;

import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.cluster.events.LifecyclePublisher;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.cluster.rpc.GrpcChannels;
import io.flowmesh.cluster.storage.ArtifactStore;
import io.flowmesh.engine.exchange.DataExchangeServer;
import io.flowmesh.engine.exchange.ExchangeConnections;
import io.flowmesh.engine.exchange.ResultPartitionManager;
import io.flowmesh.engine.task.StreamTask;
import io.flowmesh.engine.task.TaskSettings;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.taskmanager.metrics.TaskMetricsReporter;
import io.flowmesh.proto.HeartbeatRequest;
import io.flowmesh.proto.JobManagerServiceGrpc;
import io.flowmesh.proto.RegisterTaskManagerRequest;
import io.flowmesh.proto.TaskDeploymentDescriptor;
import io.flowmesh.proto.TaskExecutionStateUpdate;
import io.flowmesh.proto.TaskStatusChanged;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The TaskManager's core: registers with the JobManager and heartbeats, serves the data exchange,
 * and runs the subtasks it is given — fetching the job's jar from S3, building the chain in the
 * job's class loader, and reporting each state change first on the lifecycle topic, then to the
 * JobManager.
 */
@Singleton
public class TaskExecutor {
    private static final Logger LOG = Logger.getLogger(TaskExecutor.class);

    @Inject
    TaskManagerConfig config;

    @Inject
    SlotConfig slots;

    @Inject
    KafkaConfig kafka;

    @Inject
    Topics topics;

    @Inject
    ArtifactStore artifacts;

    @Inject
    GrpcChannels channels;

    @Inject
    TaskCheckpoints checkpoints;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meterRegistry;

    @Inject
    io.flowmesh.cluster.ha.HighAvailabilityOptions haOptions;

    @Inject
    io.flowmesh.cluster.ha.HighAvailabilityServices haServices;

    /** Where the leading JobManager is (the configured address without HA). */
    private io.flowmesh.cluster.ha.LeaderLocator leader;
    /** The JobManager this TaskManager registered with, and (HA) that leader's epoch; 0 before the first registration. */
    private volatile String jobManagerAddress;
    private volatile long leaderEpoch;

    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    private String id;
    private ResultPartitionManager partitionManager;
    private ExchangeConnections connections;
    private DataExchangeServer exchangeServer;
    private LifecyclePublisher publisher;
    private Path artifactCache;
    private final Map<String, StreamTask> tasks = new ConcurrentHashMap<>();
    private final Map<String, URLClassLoader> classLoaders = new ConcurrentHashMap<>();
    /** Job attempts cancelled here (the most recent 1000): a late deployment of one of their subtasks is refused. */
    private final java.util.Set<String> cancelledAttempts = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1000;
        }
    });
    private final ExecutorService reporter = Executors.newSingleThreadExecutor(r -> new Thread(r, "taskmanager-reporter"));
    private final ExecutorService deployer = Executors.newSingleThreadExecutor(r -> new Thread(r, "taskmanager-deployer"));
    private final java.util.concurrent.ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "taskmanager-heartbeat"));
    private TaskMetricsReporter metrics;
    private volatile boolean registered;
    private int failedAttempts;

    void onStart(@Observes StartupEvent ev) throws Exception {
        leader = io.flowmesh.cluster.ha.LeaderLocator.create(haOptions, haServices, config.jobmanagerAddress(),
                io.flowmesh.cluster.ha.LeaderLocator.JOBMANAGER);
        jobManagerAddress = config.jobmanagerAddress();
        id = config.id().orElse("taskmanager-" + UUID.randomUUID().toString().substring(0, 8));
        artifactCache = Path.of(config.artifactCacheDir().orElse(System.getProperty("java.io.tmpdir") + "/flowmesh-" + id + "/artifacts"));
        partitionManager = new ResultPartitionManager(config.subpartitionQueueBuffers());
        connections = new ExchangeConnections();
        exchangeServer = new DataExchangeServer(config.host(), config.dataPort(), partitionManager).start();
        publisher = new LifecyclePublisher(kafka.bootstrapServers(), topics, "flowmesh-" + id);
        checkpoints.start(id, tasks::values);
        metrics = new TaskMetricsReporter(meterRegistry, id);
        io.micrometer.core.instrument.Gauge.builder("flink_taskmanager_Status_taskSlotsTotal", slots, s -> s.numberOfTaskSlots())
                .tag("tm_id", id).register(meterRegistry);
        io.micrometer.core.instrument.Gauge.builder("flink_taskmanager_Status_taskSlotsAvailable", this,
                t -> Math.max(0, t.slots.numberOfTaskSlots() - t.slotsInUse())).tag("tm_id", id).register(meterRegistry);
        long rateMillis = config.metricsRateInterval().toMillis();
        heartbeats.scheduleAtFixedRate(metrics::updateRates, rateMillis, rateMillis, TimeUnit.MILLISECONDS);
        heartbeats.scheduleWithFixedDelay(this::registerOrHeartbeat, 0, 1, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        heartbeats.shutdownNow();
        tasks.values().forEach(StreamTask::cancel);
        deployer.shutdownNow();
        reporter.shutdown();
        try {
            reporter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (exchangeServer != null) {
            exchangeServer.close();
        }
        if (connections != null) {
            connections.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    public String id() {
        return id;
    }

    public boolean isRegistered() {
        return registered;
    }

    /** With HA: true for a deployment or cancellation of an older JobManager leader than the one this TaskManager registered with. */
    public boolean isFenced(long epoch) {
        return epoch != 0 && epoch < leaderEpoch;
    }

    public long leaderEpoch() {
        return leaderEpoch;
    }

    /**
     * Heartbeats the JobManager it registered with; when that fails or the JobManager does not
     * know it, registers again — with HA at the leader the lease names now. A new leader (another
     * epoch) owns the jobs from now on: every subtask deployed by the previous one is cancelled
     * first (the new leader redeploys from the latest checkpoint, as Flink's TaskManagers fail the
     * tasks of a JobManager whose leadership they lost).
     */
    private void registerOrHeartbeat() {
        try {
            if (registered && JobManagerServiceGrpc.newBlockingStub(channels.get(jobManagerAddress)).withDeadlineAfter(3, TimeUnit.SECONDS)
                    .heartbeat(HeartbeatRequest.newBuilder().setTaskmanagerId(id).build()).getKnown()) {
                return;
            }
        } catch (RuntimeException e) {
            LOG.warnf("heartbeat to the JobManager at %s failed: %s", jobManagerAddress, e.getMessage());
            registered = false;
        }
        long epoch = 0;
        if (leader.highAvailability()) {
            var current = leader.leader();
            if (current.isEmpty()) {
                if (failedAttempts++ % 10 == 0) {
                    LOG.warnf("no JobManager leads at the moment (retrying every second)");
                }
                registered = false;
                return;
            }
            epoch = current.get().epoch();
            if (leaderEpoch != 0 && epoch != leaderEpoch) {
                LOG.infof("the JobManager leader changed from epoch %d to %d (%s): cancelling the %d subtasks the previous leader deployed",
                        leaderEpoch, epoch, current.get().address(), tasks.size());
                for (StreamTask t : List.copyOf(tasks.values())) {
                    cancelJobTasks(t.descriptor().getJobId(), t.descriptor().getAttempt());
                }
            }
            jobManagerAddress = current.get().address();
        }
        var jm = JobManagerServiceGrpc.newBlockingStub(channels.get(jobManagerAddress)).withDeadlineAfter(3, TimeUnit.SECONDS);
        try {
            jm.registerTaskManager(RegisterTaskManagerRequest.newBuilder().setTaskmanagerId(id)
                    .setRpcAddress(config.host() + ":" + httpPort).setDataAddress(config.host() + ":" + exchangeServer.port())
                    .setNumberOfSlots(slots.numberOfTaskSlots()).build());
            if (!registered) {
                LOG.infof("registered %s (%d slots) with the JobManager at %s%s", id, slots.numberOfTaskSlots(), jobManagerAddress,
                        epoch == 0 ? "" : " (leader epoch " + epoch + ")");
            }
            leaderEpoch = epoch;
            registered = true;
        } catch (RuntimeException e) {
            if (registered || failedAttempts % 10 == 0) {
                LOG.warnf("cannot reach the JobManager at %s (retrying every second): %s", jobManagerAddress, e.getMessage());
            }
            failedAttempts++;
            registered = false;
        }
    }

    /** Accepts a subtask; deploys it on the deployer thread. A subtask of a cancelled job attempt is refused: CANCELED. */
    public void submitTask(TaskDeploymentDescriptor tdd) {
        if (isCancelled(tdd.getJobId(), tdd.getAttempt())) {
            report(tdd, ExecutionState.EXECUTION_CANCELED, null);
            return;
        }
        report(tdd, ExecutionState.DEPLOYING, null);
        deployer.execute(() -> {
            try {
                ClassLoader loader = classLoader(tdd.getArtifactUri());
                TaskSettings settings = new TaskSettings(config.bufferSize(), TaskSettings.DEFAULTS.bufferTimeoutMillis(), config.creditsPerChannel());
                StreamTask task = new StreamTask(tdd, loader, partitionManager, connections, id, settings,
                        Map.of("flowmesh.kafka.bootstrap-servers", kafka.bootstrapServers()), this::onTaskState);
                checkpoints.enable(task);
                task.withMetrics(metrics);
                synchronized (cancelledAttempts) {
                    if (isCancelled(tdd.getJobId(), tdd.getAttempt())) {
                        report(tdd, ExecutionState.EXECUTION_CANCELED, null);
                        return;
                    }
                    tasks.put(key(tdd), task);
                }
                task.start();
            } catch (Throwable t) {
                report(tdd, ExecutionState.EXECUTION_FAILED, "could not deploy on " + id + ": " + LifecycleEvents.describe(t));
            }
        });
    }

    private void onTaskState(StreamTask task, ExecutionState state, Throwable failure) {
        TaskDeploymentDescriptor tdd = task.descriptor();
        if (LifecycleEvents.isTerminal(state)) {
            tasks.remove(key(tdd));
            if (state != ExecutionState.EXECUTION_FINISHED) {
                partitionManager.releaseJob(tdd.getJobId(), tdd.getAttempt());
            }
        }
        report(tdd, state, failure == null ? null : LifecycleEvents.describe(failure));
    }

    /** Cancels every subtask of the job attempt running here, and refuses its subtasks deployed later. */
    public void cancelJobTasks(String jobId, int attempt) {
        synchronized (cancelledAttempts) {
            cancelledAttempts.add(jobId + "/" + attempt);
        }
        for (StreamTask t : List.copyOf(tasks.values())) {
            if (t.descriptor().getJobId().equals(jobId) && t.descriptor().getAttempt() == attempt) {
                t.cancel();
            }
        }
        partitionManager.releaseJob(jobId, attempt);
    }

    /** Publishes, then tells the JobManager; on one reporter thread, so reports keep their order and never run on an interrupted task thread. */
    private void report(TaskDeploymentDescriptor tdd, ExecutionState state, String cause) {
        reporter.execute(() -> doReport(tdd, state, cause));
    }

    private void doReport(TaskDeploymentDescriptor tdd, ExecutionState state, String cause) {
        try {
            publisher.publish(LifecycleEvents.taskStatus(tdd.getJobId(), id, TaskStatusChanged.newBuilder()
                    .setVertexId(tdd.getVertexId()).setVertexName(tdd.getVertexName()).setSubtaskIndex(tdd.getSubtaskIndex())
                    .setParallelism(tdd.getParallelism()).setAttempt(tdd.getAttempt()).setState(state).setTaskmanagerId(id)
                    .setFailureCause(cause == null ? "" : cause)));
        } catch (RuntimeException e) {
            LOG.errorf("could not publish %s of %s: %s", state, tdd.getVertexName(), e.getMessage());
        }
        try {
            JobManagerServiceGrpc.newBlockingStub(channels.get(jobManagerAddress)).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .updateTaskExecutionState(TaskExecutionStateUpdate.newBuilder().setJobId(tdd.getJobId()).setVertexId(tdd.getVertexId())
                            .setSubtaskIndex(tdd.getSubtaskIndex()).setAttempt(tdd.getAttempt()).setState(state)
                            .setFailureCause(cause == null ? "" : cause).setTaskmanagerId(id).build());
        } catch (RuntimeException e) {
            LOG.errorf("could not report %s of %s to the JobManager: %s", state, tdd.getVertexName(), e.getMessage());
        }
    }

    /**
     * The class loader of the job's jar, one per jar version: the cached file's name changes when the
     * object behind {@code artifactUri} is overwritten in S3, so a re-uploaded jar gets a new loader.
     */
    private ClassLoader classLoader(String artifactUri) throws Exception {
        Path jar = artifacts.fetch(artifactUri, artifactCache);
        URLClassLoader cached = classLoaders.get(jar.toString());
        if (cached != null) {
            return cached;
        }
        URLClassLoader loader = new URLClassLoader("flowmesh-user-" + jar.getFileName(), new URL[] {jar.toUri().toURL()},
                TaskExecutor.class.getClassLoader());
        URLClassLoader raced = classLoaders.putIfAbsent(jar.toString(), loader);
        if (raced != null) {
            loader.close();
            return raced;
        }
        return loader;
    }

    private boolean isCancelled(String jobId, int attempt) {
        synchronized (cancelledAttempts) {
            return cancelledAttempts.contains(jobId + "/" + attempt);
        }
    }

    private static String key(TaskDeploymentDescriptor tdd) {
        return tdd.getJobId() + "/" + tdd.getAttempt() + "/" + tdd.getVertexId() + "/" + tdd.getSubtaskIndex();
    }

    /**
     * Slots taken by running subtasks: with slot sharing, subtask i of every vertex of a job attempt
     * shares one slot, so the distinct (job, attempt, subtask index) here.
     */
    int slotsInUse() {
        java.util.Set<String> used = new java.util.HashSet<>();
        for (StreamTask t : tasks.values()) {
            TaskDeploymentDescriptor d = t.descriptor();
            used.add(d.getJobId() + "/" + d.getAttempt() + "/" + d.getSubtaskIndex());
        }
        return used.size();
    }

    public int runningTasks() {
        return tasks.size();
    }
}
