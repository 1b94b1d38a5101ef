package io.flowmesh.engine.local;

import io.flowmesh.api.dag.Pipeline;
import io.flowmesh.api.environment.JobExecutionResult;
import io.flowmesh.api.environment.PipelineExecutor;
import io.flowmesh.engine.exchange.ResultPartitionManager;
import io.flowmesh.engine.graph.DeploymentPlan;
import io.flowmesh.engine.graph.JobGraphBuilder;
import io.flowmesh.engine.task.StreamTask;
import io.flowmesh.engine.task.TaskSettings;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.engine.testing.MemoryStateStorage;
import io.flowmesh.proto.TaskDeploymentDescriptor;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a pipeline inside the calling JVM, as Flink's MiniCluster does: the same JobGraph, the same
 * subtasks and the same exchange as on a cluster, with every channel local (in-memory hand-over).
 * For tests, examples and the in-process benchmarks.
 *
 * <pre>{@code
 * StreamExecutionEnvironment.setContextExecutor(new LocalExecutor(), Map.of());
 * MyJob.main(args);   // execute() now runs the job here and returns when it finished
 * }</pre>
 */
public final class LocalExecutor implements PipelineExecutor {
    private final TaskSettings settings;
    private final Map<String, String> clusterConfiguration;
    private io.flowmesh.engine.metrics.TaskMetricsListener metricsListener = io.flowmesh.engine.metrics.TaskMetricsListener.NONE;

    public LocalExecutor() {
        this(TaskSettings.DEFAULTS, Map.of());
    }

    public LocalExecutor(TaskSettings settings, Map<String, String> clusterConfiguration) {
        this.settings = settings;
        this.clusterConfiguration = clusterConfiguration;
    }

    /** Hands every subtask's metrics to {@code listener} (by default they are not reported). */
    public LocalExecutor withMetrics(io.flowmesh.engine.metrics.TaskMetricsListener listener) {
        this.metricsListener = listener;
        return this;
    }

    @Override
    public JobExecutionResult execute(Pipeline pipeline) throws Exception {
        String jobId = UUID.randomUUID().toString().replace("-", "");
        JobGraph graph = JobGraphBuilder.build(jobId, pipeline, "", "");
        run(graph, Thread.currentThread().getContextClassLoader());
        return new JobExecutionResult(jobId);
    }

    /**
     * Runs the graph to its end; on a failure cancels the rest and throws it. With
     * {@code execution.checkpointing.interval} in the job's configuration, checkpoints are taken
     * in memory; with {@code restart-strategy.type: fixed-delay}, a failed run is restarted (up to
     * {@code restart-strategy.fixed-delay.attempts} times, after {@code .delay}) from the latest
     * completed checkpoint. Other restart strategies are the cluster's.
     */
    public void run(JobGraph graph, ClassLoader classLoader) throws JobExecutionException, InterruptedException {
        Map<String, String> conf = graph.getConfigurationMap();
        String interval = conf.get("execution.checkpointing.interval");
        boolean fixedDelay = "fixed-delay".equals(conf.getOrDefault("restart-strategy.type", "none").trim().toLowerCase(java.util.Locale.ROOT));
        int attempts = fixedDelay ? Integer.parseInt(conf.getOrDefault("restart-strategy.fixed-delay.attempts", "1").trim()) : 0;
        long delay = fixedDelay ? TaskSettings.parseMillis("restart-strategy.fixed-delay.delay", conf.getOrDefault("restart-strategy.fixed-delay.delay", "1 s"))
                : 0;
        LocalCheckpointCoordinator coordinator = interval == null ? null
                : new LocalCheckpointCoordinator(graph, TaskSettings.parseMillis("execution.checkpointing.interval", interval),
                        !"AT_LEAST_ONCE".equalsIgnoreCase(conf.getOrDefault("execution.checkpointing.mode", "EXACTLY_ONCE").trim()), 1);
        MemoryStateStorage storage = new MemoryStateStorage();
        lastStateStorage = storage;
        ExecutorService uploads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "local-state-upload");
            t.setDaemon(true);
            return t;
        });
        try {
            if (coordinator != null) {
                coordinator.start();
            }
            for (int attempt = 0;; attempt++) {
                try {
                    runAttempt(graph, classLoader, attempt, coordinator, storage, uploads);
                    return;
                } catch (JobExecutionException e) {
                    if (attempt >= attempts) {
                        throw e;
                    }
                    restarts++;
                    Thread.sleep(delay);
                }
            }
        } finally {
            if (coordinator != null) {
                coordinator.close();
            }
            uploads.shutdownNow();
        }
    }

    private int restarts;
    private int completedCheckpoints;

    /** How often the last {@link #run} restarted the job. */
    public int restarts() {
        return restarts;
    }

    /** How many checkpoints of the last {@link #run} completed. */
    public int completedCheckpoints() {
        return completedCheckpoints;
    }

    private volatile MemoryStateStorage lastStateStorage;

    /**
     * How many state files the last {@link #run} wrote; state up to {@code state.storage.fs.memory-threshold}
     * is kept inline in the checkpoint instead.
     */
    public int stateFilesWritten() {
        MemoryStateStorage s = lastStateStorage;
        return s == null ? 0 : s.size();
    }

    private void runAttempt(JobGraph graph, ClassLoader classLoader, int attempt, LocalCheckpointCoordinator coordinator, MemoryStateStorage storage,
            ExecutorService uploads) throws JobExecutionException, InterruptedException {
        DeploymentPlan plan = new DeploymentPlan(graph);
        ResultPartitionManager partitions = new ResultPartitionManager(4);
        DeploymentPlan.SlotLocations local = new DeploymentPlan.SlotLocations() {
            @Override
            public String taskManagerId(int slot) {
                return "local";
            }

            @Override
            public String dataAddress(int slot) {
                return "";
            }
        };
        List<StreamTask> tasks = new ArrayList<>();
        int subtasks = graph.getVerticesList().stream().mapToInt(JobVertex::getParallelism).sum();
        CountDownLatch done = new CountDownLatch(subtasks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        StreamTask.Listener listener = (task, state, cause) -> {
            if (state == ExecutionState.EXECUTION_RUNNING && coordinator != null) {
                coordinator.taskRunning();
            }
            if (state == ExecutionState.EXECUTION_FAILED && failure.compareAndSet(null, cause)) {
                tasks.forEach(StreamTask::cancel);
            }
            if (state == ExecutionState.EXECUTION_FINISHED || state == ExecutionState.EXECUTION_FAILED
                    || state == ExecutionState.EXECUTION_CANCELED) {
                if (coordinator != null) {
                    coordinator.taskEnded();
                }
                done.countDown();
            }
        };
        LocalCheckpointCoordinator.Completed restore = coordinator == null ? null : coordinator.latest();
        for (JobVertex v : graph.getVerticesList()) {
            for (int i = 0; i < v.getParallelism(); i++) {
                TaskDeploymentDescriptor.Builder tdd = plan.descriptor(v, i, attempt, local).toBuilder();
                if (restore != null) {
                    tdd.setRestoredCheckpointId(restore.id());
                    restore.operators().stream().filter(o -> v.getOperatorIdsList().contains(o.getOperatorId())).forEach(tdd::addRestoredState);
                }
                StreamTask[] self = new StreamTask[1];
                StreamTask task = new StreamTask(tdd.build(), classLoader, partitions, null, "local", settings, clusterConfiguration, listener);
                self[0] = task;
                task.withMetrics(metricsListener);
                if (coordinator != null) {
                    task.withCheckpointing(storage, coordinator.responder(self), uploads);
                }
                tasks.add(task);
            }
        }
        if (coordinator != null) {
            coordinator.startAttempt(List.copyOf(tasks));
        }
        tasks.forEach(StreamTask::start);
        try {
            done.await();
        } catch (InterruptedException e) {
            tasks.forEach(StreamTask::cancel);
            throw e;
        } finally {
            if (coordinator != null) {
                completedCheckpoints = coordinator.completedCount();
            }
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new JobExecutionException("job '" + graph.getJobName() + "' failed: " + t.getMessage(), t);
        }
    }
}
