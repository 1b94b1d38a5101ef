package io.flowmesh.engine.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

/**
 * The metrics of one subtask (Flink's task metric group): its operators' groups, head to tail;
 * records in and out of the chain (the head operator's records in, the tail operator's records
 * out); the time the subtask's thread spends idle (waiting for input), backpressured (waiting for
 * room in an output queue, i.e. for the consumer's credit) and busy (the rest), as milliseconds per
 * second; and the usage of its input and output buffer queues (0..1).
 *
 * <p>Threads: the subtask's thread calls {@link #markIdle}/{@link #markBackPressured} and
 * {@link #markBusy} when it blocks and unblocks — {@code System.nanoTime()} only at those switches,
 * never per record. Its cumulative times are written under a sequence counter (a single-writer
 * seqlock), so another thread reads a consistent pair without a lock. {@link #updateRates} runs on
 * one reporter thread every few seconds; the per-second values are those of the last interval.
 */
public final class TaskMetricGroup {
    private static final int BUSY = 0;
    private static final int IDLE = 1;
    private static final int BACK_PRESSURED = 2;
    private static final VarHandle SEQ;
    private static final VarHandle STATE;
    private static final VarHandle SINCE;
    private static final VarHandle IDLE_NANOS;
    private static final VarHandle BP_NANOS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SEQ = l.findVarHandle(TaskMetricGroup.class, "seq", long.class);
            STATE = l.findVarHandle(TaskMetricGroup.class, "state", int.class);
            SINCE = l.findVarHandle(TaskMetricGroup.class, "since", long.class);
            IDLE_NANOS = l.findVarHandle(TaskMetricGroup.class, "idleNanos", long.class);
            BP_NANOS = l.findVarHandle(TaskMetricGroup.class, "backPressuredNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String jobId;
    private final String jobName;
    private final String taskId;
    private final String taskName;
    private final int subtaskIndex;
    private final int attempt;
    private final List<OperatorMetricGroup> operators = new CopyOnWriteArrayList<>();
    private volatile DoubleSupplier inPoolUsage = () -> 0;
    private volatile DoubleSupplier outPoolUsage = () -> 0;

    private long seq;
    private int state = BUSY;
    private long since;
    private long idleNanos;
    private long backPressuredNanos;

    // the reporter thread's samples
    private long lastSampleNanos;
    private long lastIdle;
    private long lastBackPressured;
    private volatile double idleMsPerSecond;
    private volatile double backPressuredMsPerSecond;
    private volatile boolean rated;

    /**
     * @param taskId the JobVertex id (32 hex)
     * @param taskName the JobVertex name
     */
    public TaskMetricGroup(String jobId, String jobName, String taskId, String taskName, int subtaskIndex, int attempt) {
        this.jobId = jobId;
        this.jobName = jobName;
        this.taskId = taskId;
        this.taskName = taskName;
        this.subtaskIndex = subtaskIndex;
        this.attempt = attempt;
    }

    public String jobId() {
        return jobId;
    }

    public String jobName() {
        return jobName;
    }

    public String taskId() {
        return taskId;
    }

    public String taskName() {
        return taskName;
    }

    public int subtaskIndex() {
        return subtaskIndex;
    }

    public int attempt() {
        return attempt;
    }

    /** Adds the next operator of the chain (head first); called while the chain is built. */
    public OperatorMetricGroup addOperator(String operatorId, String operatorName) {
        OperatorMetricGroup group = new OperatorMetricGroup(operatorId, operatorName);
        operators.add(group);
        return group;
    }

    /** The operators' groups, head to tail. */
    public List<OperatorMetricGroup> operators() {
        return List.copyOf(operators);
    }

    /** Records that entered the chain: the head operator's records in. */
    public long numRecordsIn() {
        return operators.isEmpty() ? 0 : operators.get(0).numRecordsIn();
    }

    /** Records that left the chain: the tail operator's records out. */
    public long numRecordsOut() {
        return operators.isEmpty() ? 0 : operators.get(operators.size() - 1).numRecordsOut();
    }

    public void setBufferPoolUsage(DoubleSupplier in, DoubleSupplier out) {
        this.inPoolUsage = in;
        this.outPoolUsage = out;
    }

    /** Share of the input buffer queues in use, 0..1 (0 for a source). Reads queue sizes: off the hot path. */
    public double inPoolUsage() {
        return clamp01(inPoolUsage.getAsDouble());
    }

    /** Share of the output buffer queues in use, 0..1. */
    public double outPoolUsage() {
        return clamp01(outPoolUsage.getAsDouble());
    }

    private static double clamp01(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }

    // --- the subtask's thread, at state switches only

    /** The subtask's thread starts waiting for input. */
    public void markIdle(long nowNanos) {
        switchTo(IDLE, nowNanos);
    }

    /** The subtask's thread starts waiting for room in an output queue. */
    public void markBackPressured(long nowNanos) {
        switchTo(BACK_PRESSURED, nowNanos);
    }

    /** The subtask's thread works again. */
    public void markBusy(long nowNanos) {
        switchTo(BUSY, nowNanos);
    }

    /** Whether the thread is waiting (idle or backpressured) now; the subtask's thread only. */
    public boolean isBlocked() {
        return state != BUSY;
    }

    private void switchTo(int next, long nowNanos) {
        int current = state;
        if (current == next) {
            return;
        }
        long s = seq;
        SEQ.setOpaque(this, s + 1);
        VarHandle.storeStoreFence();
        if (current == IDLE) {
            IDLE_NANOS.setOpaque(this, idleNanos + (nowNanos - since));
        } else if (current == BACK_PRESSURED) {
            BP_NANOS.setOpaque(this, backPressuredNanos + (nowNanos - since));
        }
        STATE.setOpaque(this, next);
        SINCE.setOpaque(this, nowNanos);
        SEQ.setRelease(this, s + 2);
    }

    // --- any thread

    /** Nanoseconds spent idle so far, including the current wait: index 0 idle, 1 backpressured. */
    public long[] blockedNanos(long nowNanos) {
        while (true) {
            long s1 = (long) SEQ.getAcquire(this);
            if ((s1 & 1) == 0) {
                long idle = (long) IDLE_NANOS.getOpaque(this);
                long bp = (long) BP_NANOS.getOpaque(this);
                int st = (int) STATE.getOpaque(this);
                long sn = (long) SINCE.getOpaque(this);
                VarHandle.loadLoadFence();
                if ((long) SEQ.getOpaque(this) == s1) {
                    long ongoing = Math.max(0, nowNanos - sn);
                    return new long[] {idle + (st == IDLE ? ongoing : 0), bp + (st == BACK_PRESSURED ? ongoing : 0)};
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Samples the times and the operators' counts for the per-second values (one reporter thread). */
    public void updateRates(long nowNanos) {
        long[] blocked = blockedNanos(nowNanos);
        if (lastSampleNanos != 0 && nowNanos > lastSampleNanos) {
            double interval = nowNanos - lastSampleNanos;
            idleMsPerSecond = clampMs((blocked[0] - lastIdle) * 1000.0 / interval);
            backPressuredMsPerSecond = clampMs((blocked[1] - lastBackPressured) * 1000.0 / interval);
            rated = true;
        }
        lastSampleNanos = nowNanos;
        lastIdle = blocked[0];
        lastBackPressured = blocked[1];
        for (OperatorMetricGroup op : operators) {
            op.updateRates(nowNanos);
        }
    }

    private static double clampMs(double v) {
        return Math.max(0, Math.min(1000, v));
    }

    /** Milliseconds per second spent waiting for input, over the last rate interval. */
    public double idleTimeMsPerSecond() {
        return idleMsPerSecond;
    }

    /** Milliseconds per second spent waiting for output buffers (credit), over the last rate interval. */
    public double backPressuredTimeMsPerSecond() {
        return backPressuredMsPerSecond;
    }

    /** 1000 − idle − backpressured (0 until the first interval is complete). */
    public double busyTimeMsPerSecond() {
        return rated ? clampMs(1000 - idleMsPerSecond - backPressuredMsPerSecond) : 0;
    }
}
