package io.flowmesh.jobmanager.scheduler;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.cluster.config.KafkaConfig;
import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.cluster.events.LifecyclePublisher;
import io.flowmesh.cluster.events.Topics;
import io.flowmesh.cluster.rpc.GrpcChannels;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.engine.graph.DeploymentPlan;
import io.flowmesh.jobmanager.JobManagerConfig;
import io.flowmesh.jobmanager.resourcemanager.TaskManagerRegistry;
import io.flowmesh.proto.CancelJobTasksRequest;
import io.flowmesh.proto.Empty;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobStatus;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Schedules jobs onto slots, deploys their subtasks, follows their states and drives each job to
 * its terminal status. Every state change runs on one main thread (as Flink's JobMaster does), so
 * the execution graphs need no locks; gRPC handlers and RPC callbacks hop onto it.
 *
 * <p>Failover in this version: a failed subtask or a lost TaskManager fails the job (restart
 * strategy {@code none}); restarts from checkpoints come with the checkpointing work.
 */
@Singleton
public class Scheduler {
    private static final Logger LOG = Logger.getLogger(Scheduler.class);
    private static final String REPORTER = "jobmanager";

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

    private final ScheduledExecutorService mainThread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "jobmanager-main"));
    private final Map<String, ExecutionGraph> jobs = new LinkedHashMap<>();
    private LifecyclePublisher publisher;

    void onStart(@Observes StartupEvent ev) {
        publisher = new LifecyclePublisher(kafka.bootstrapServers(), topics, "flowmesh-jobmanager");
        registry.onTaskManagerLost(tm -> runOnMain(() -> taskManagerLost(tm)));
        long interval = config.heartbeatInterval().toMillis();
        mainThread.scheduleWithFixedDelay(() -> guarded(registry::checkHeartbeats), interval, interval, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        mainThread.shutdownNow();
        if (publisher != null) {
            publisher.close();
        }
    }

    /** Loads the JobGraph from S3 and starts scheduling it; completes once the graph was accepted. */
    public CompletableFuture<Void> submitJob(String jobId, String jobGraphUri) {
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        runOnMain(() -> {
            if (jobs.containsKey(jobId)) {
                accepted.completeExceptionally(Status.ALREADY_EXISTS.withDescription("job " + jobId + " was already submitted").asRuntimeException());
                return;
            }
            JobGraph graph;
            try {
                String key = blobStore.keyOf(jobGraphUri).orElseThrow(() -> Status.INVALID_ARGUMENT
                        .withDescription("job graph URI " + jobGraphUri + " is not in bucket " + blobStore.bucket()).asRuntimeException());
                byte[] bytes = blobStore.get(key).orElseThrow(() -> Status.NOT_FOUND
                        .withDescription("no job graph at " + jobGraphUri).asRuntimeException());
                graph = JobGraph.parseFrom(bytes);
            } catch (StatusRuntimeException e) {
                accepted.completeExceptionally(e);
                return;
            } catch (InvalidProtocolBufferException e) {
                accepted.completeExceptionally(Status.INVALID_ARGUMENT.withDescription("corrupt job graph at " + jobGraphUri).asRuntimeException());
                return;
            } catch (RuntimeException e) {
                accepted.completeExceptionally(Status.UNAVAILABLE.withDescription("cannot read the job graph: " + e.getMessage()).asRuntimeException());
                return;
            }
            ExecutionGraph eg = new ExecutionGraph(graph);
            jobs.put(jobId, eg);
            accepted.complete(null);
            LOG.infof("job %s (%s) accepted: %d vertices, %d subtasks, needs %d slots", jobId, graph.getJobName(), graph.getVerticesCount(),
                    eg.executions.size(), eg.slotsNeeded());
            trySchedule(eg, System.currentTimeMillis() + config.slotRequestTimeout().toMillis());
        });
        return accepted;
    }

    private void trySchedule(ExecutionGraph eg, long deadline) {
        if (eg.status != JobStatus.CREATED) {
            return;
        }
        Optional<TaskManagerRegistry.SlotAllocation> slots = registry.allocate(eg.jobId(), eg.slotsNeeded());
        if (slots.isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                failJob(eg, "NoResourceAvailableException: could not acquire " + eg.slotsNeeded() + " slots within "
                        + config.slotRequestTimeout().toSeconds() + " s (" + registry.slotsFree() + " free of " + registry.slotsTotal() + ")");
            } else {
                mainThread.schedule(() -> guarded(() -> trySchedule(eg, deadline)), 500, TimeUnit.MILLISECONDS);
            }
            return;
        }
        eg.slots = slots.get();
        transition(eg, JobStatus.RUNNING, null);
        for (ExecutionGraph.Execution ex : eg.executions) {
            ex.taskManager = eg.slots.slots().get(ex.subtask);
            setTaskState(eg, ex, ExecutionState.SCHEDULED, null, true);
        }
        for (ExecutionGraph.Execution ex : eg.executions) {
            deploy(eg, ex);
        }
    }

    private void deploy(ExecutionGraph eg, ExecutionGraph.Execution ex) {
        TaskDeploymentDescriptor tdd = descriptor(eg, ex);
        TaskManagerRegistry.Entry tm = ex.taskManager;
        TaskExecutorServiceGrpc.newStub(channels.get(tm.rpcAddress)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .submitTask(tdd, new StreamObserver<>() {
                    @Override
                    public void onNext(Empty value) {}

                    @Override
                    public void onError(Throwable t) {
                        runOnMain(() -> {
                            if (ex.state != ExecutionState.SCHEDULED) {
                                return;
                            }
                            if (eg.status == JobStatus.RUNNING) {
                                setTaskState(eg, ex, ExecutionState.EXECUTION_FAILED,
                                        "deployment to " + tm.id + " at " + tm.rpcAddress + " failed: " + t.getMessage(), true);
                                failJob(eg, "could not deploy " + ex.vertex.getName() + " (" + (ex.subtask + 1) + "/" + ex.vertex.getParallelism()
                                        + ") to " + tm.id + ": " + t.getMessage());
                            } else {
                                // the job is already stopping: the deployment never happened, so nothing will report
                                setTaskState(eg, ex, ExecutionState.EXECUTION_CANCELED, null, true);
                                checkCompletion(eg);
                            }
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

    /** A TaskManager reports a subtask's new state (after publishing it). */
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
                failJob(eg, u.getFailureCause());
            }
            checkCompletion(eg);
        });
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
                transition(eg, JobStatus.CANCELLING, null);
                stopExecutions(eg);
                checkCompletion(eg);
            }
            result.complete(Optional.of(eg.status));
        });
        return result;
    }

    private void failJob(ExecutionGraph eg, String cause) {
        if (LifecycleEvents.isTerminal(eg.status) || eg.status == JobStatus.FAILING) {
            return;
        }
        eg.failureCause = cause == null ? "" : cause;
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
                setTaskState(eg, ex, ExecutionState.EXECUTION_CANCELED, null, true);
            } else if (!LifecycleEvents.isTerminal(ex.state)) {
                hosts.add(ex.taskManager);
            }
        }
        for (TaskManagerRegistry.Entry tm : hosts) {
            TaskExecutorServiceGrpc.newStub(channels.get(tm.rpcAddress)).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .cancelJobTasks(CancelJobTasksRequest.newBuilder().setJobId(eg.jobId()).setAttempt(eg.attempt).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(Empty value) {}

                        @Override
                        public void onError(Throwable t) {
                            LOG.warnf("cancelling the subtasks of job %s on %s failed: %s", eg.jobId(), tm.id, t.getMessage());
                        }

                        @Override
                        public void onCompleted() {}
                    });
        }
    }

    private void checkCompletion(ExecutionGraph eg) {
        if (LifecycleEvents.isTerminal(eg.status) || !eg.allTerminal()) {
            return;
        }
        JobStatus terminal = switch (eg.status) {
            case FAILING -> JobStatus.FAILED;
            case CANCELLING -> JobStatus.CANCELED;
            default -> eg.allFinished() ? JobStatus.FINISHED : JobStatus.FAILED;
        };
        transition(eg, terminal, terminal == JobStatus.FAILED ? eg.failureCause : null);
        registry.release(eg.jobId());
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
                failJob(eg, "TaskManager " + tm.id + " (" + tm.rpcAddress + ") was lost while running subtasks of this job");
                checkCompletion(eg);
            }
        }
    }

    private void transition(ExecutionGraph eg, JobStatus status, String cause) {
        JobStatus previous = eg.status;
        eg.status = status;
        LOG.infof("job %s (%s) switched from %s to %s", eg.jobId(), eg.graph.getJobName(), previous, status);
        publish(LifecycleEvents.jobStatus(eg.jobId(), REPORTER, previous, status, eg.attempt, cause));
    }

    /** @param publish true when the JobManager is the one to publish this change (else the TaskManager did) */
    private void setTaskState(ExecutionGraph eg, ExecutionGraph.Execution ex, ExecutionState state, String cause, boolean publish) {
        ex.state = state;
        if (publish) {
            TaskStatusChanged.Builder t = TaskStatusChanged.newBuilder()
                    .setVertexId(ex.vertex.getVertexId()).setVertexName(ex.vertex.getName())
                    .setSubtaskIndex(ex.subtask).setParallelism(ex.vertex.getParallelism()).setAttempt(eg.attempt)
                    .setState(state).setTaskmanagerId(ex.taskManager == null ? "" : ex.taskManager.id)
                    .setFailureCause(cause == null ? "" : cause);
            publish(LifecycleEvents.taskStatus(eg.jobId(), REPORTER, t));
        }
    }

    private void publish(io.flowmesh.proto.LifecycleEvent event) {
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
