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
import java.util.ArrayList;
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

    public LocalExecutor() {
        this(TaskSettings.DEFAULTS, Map.of());
    }

    public LocalExecutor(TaskSettings settings, Map<String, String> clusterConfiguration) {
        this.settings = settings;
        this.clusterConfiguration = clusterConfiguration;
    }

    @Override
    public JobExecutionResult execute(Pipeline pipeline) throws Exception {
        String jobId = UUID.randomUUID().toString().replace("-", "");
        JobGraph graph = JobGraphBuilder.build(jobId, pipeline, "", "");
        run(graph, Thread.currentThread().getContextClassLoader());
        return new JobExecutionResult(jobId);
    }

    /** Runs the graph to its end; on the first failure cancels the rest and throws it. */
    public void run(JobGraph graph, ClassLoader classLoader) throws JobExecutionException, InterruptedException {
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
            if (state == ExecutionState.EXECUTION_FAILED && failure.compareAndSet(null, cause)) {
                tasks.forEach(StreamTask::cancel);
            }
            if (state == ExecutionState.EXECUTION_FINISHED || state == ExecutionState.EXECUTION_FAILED
                    || state == ExecutionState.EXECUTION_CANCELED) {
                done.countDown();
            }
        };
        for (JobVertex v : graph.getVerticesList()) {
            for (int i = 0; i < v.getParallelism(); i++) {
                tasks.add(new StreamTask(plan.descriptor(v, i, 0, local), classLoader, partitions, null, "local", settings,
                        clusterConfiguration, listener));
            }
        }
        tasks.forEach(StreamTask::start);
        try {
            done.await();
        } catch (InterruptedException e) {
            tasks.forEach(StreamTask::cancel);
            throw e;
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new JobExecutionException("job '" + graph.getJobName() + "' failed: " + t.getMessage(), t);
        }
    }
}
