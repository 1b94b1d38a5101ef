package io.flowmesh.engine.local;

import io.flowmesh.engine.checkpoint.CheckpointBarrier;
import io.flowmesh.engine.checkpoint.CheckpointResponder;
import io.flowmesh.engine.task.StreamTask;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.JobGraph;
import io.flowmesh.proto.JobVertex;
import io.flowmesh.proto.OperatorState;
import io.flowmesh.proto.OperatorSubtaskState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The checkpoint coordinator of an in-process run ({@link LocalExecutor}): the cluster's protocol
 * without Kafka — triggers the source subtasks every interval (one checkpoint at a time, only while
 * every subtask runs), collects the acknowledgements, and on the last one records the checkpoint
 * as complete and notifies every subtask. Declines abort. State files live in memory.
 */
final class LocalCheckpointCoordinator implements AutoCloseable {
    private final JobGraph graph;
    private final long intervalMillis;
    private final boolean exactlyOnce;
    private final int subtasks;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-checkpoint-coordinator");
        t.setDaemon(true);
        return t;
    });
    private List<StreamTask> tasks = List.of();
    private int running;
    private long nextId;
    private long pendingId = -1;
    private final List<OperatorSubtaskState> acks = new ArrayList<>();
    private int acked;
    /** Source subtasks that acknowledged the pending checkpoint with their input ended. */
    private int sourcesAtEnd;
    private final int sources;
    private Completed latest;
    private int completedCount;

    /** A completed checkpoint: the state to restore from. */
    record Completed(long id, List<OperatorState> operators) {}

    LocalCheckpointCoordinator(JobGraph graph, long intervalMillis, boolean exactlyOnce, long firstId) {
        this.graph = graph;
        this.intervalMillis = intervalMillis;
        this.exactlyOnce = exactlyOnce;
        this.subtasks = graph.getVerticesList().stream().mapToInt(JobVertex::getParallelism).sum();
        this.sources = graph.getVerticesList().stream().filter(JobVertex::getIsSource).mapToInt(JobVertex::getParallelism).sum();
        this.nextId = firstId;
    }

    /** Starts triggering for a new attempt's subtasks; what was pending is dropped. */
    synchronized void startAttempt(List<StreamTask> attemptTasks) {
        tasks = attemptTasks;
        running = 0;
        pendingId = -1;
        acks.clear();
        acked = 0;
        sourcesAtEnd = 0;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::maybeTrigger, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    synchronized void taskRunning() {
        running++;
    }

    synchronized void taskEnded() {
        running--;
    }

    synchronized Completed latest() {
        return latest;
    }

    synchronized int completedCount() {
        return completedCount;
    }

    synchronized long nextId() {
        return nextId;
    }

    private synchronized void maybeTrigger() {
        if (pendingId >= 0 || running < subtasks) {
            return;
        }
        pendingId = nextId++;
        acks.clear();
        acked = 0;
        sourcesAtEnd = 0;
        CheckpointBarrier barrier = new CheckpointBarrier(pendingId, System.currentTimeMillis(), CheckpointType.CHECKPOINT,
                "mem://" + graph.getJobId() + "/chk-" + pendingId, exactlyOnce);
        for (StreamTask t : tasks) {
            if (t.isSourceTask()) {
                t.triggerCheckpoint(barrier);
            }
        }
    }

    CheckpointResponder responder(StreamTask[] task) {
        return new CheckpointResponder() {
            @Override
            public void acknowledge(long checkpointId, List<OperatorSubtaskState> states, long sizeBytes,
                    io.flowmesh.engine.checkpoint.CheckpointTimings timings, boolean endOfInput) {
                List<StreamTask> notify = null;
                boolean finalCheckpoint = false;
                synchronized (LocalCheckpointCoordinator.this) {
                    if (checkpointId != pendingId || !tasks.contains(task[0])) {
                        return;
                    }
                    acks.addAll(states);
                    if (endOfInput) {
                        sourcesAtEnd++;
                    }
                    if (++acked == subtasks) {
                        finalCheckpoint = sourcesAtEnd == sources;
                        latest = new Completed(checkpointId, operatorStates(acks));
                        completedCount++;
                        pendingId = -1;
                        notify = tasks;
                    }
                }
                if (notify != null) {
                    boolean endOfAllInput = finalCheckpoint;
                    notify.forEach(t -> t.notifyCheckpointComplete(checkpointId, endOfAllInput));
                }
            }

            @Override
            public void decline(long checkpointId, Throwable cause) {
                List<StreamTask> notify;
                synchronized (LocalCheckpointCoordinator.this) {
                    if (checkpointId != pendingId) {
                        return;
                    }
                    pendingId = -1;
                    notify = tasks;
                }
                notify.forEach(t -> t.notifyCheckpointAborted(checkpointId));
            }
        };
    }

    private List<OperatorState> operatorStates(List<OperatorSubtaskState> handles) {
        Map<String, OperatorState.Builder> byOperator = new LinkedHashMap<>();
        for (JobVertex v : graph.getVerticesList()) {
            for (String id : v.getOperatorIdsList()) {
                byOperator.put(id, OperatorState.newBuilder().setOperatorId(id).setParallelism(v.getParallelism())
                        .setMaxParallelism(v.getMaxParallelism()));
            }
        }
        for (OperatorSubtaskState h : handles) {
            byOperator.get(h.getOperatorId()).addSubtasks(h);
        }
        return byOperator.values().stream().map(OperatorState.Builder::build).toList();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
