package io.flowmesh.engine.exchange;

import io.flowmesh.engine.metrics.TaskMetricGroup;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The buffers one producer subtask has for one consumer subtask: a bounded queue between the
 * producer's thread ({@link #add}, which blocks while the queue is full — that is backpressure) and
 * one reader (a local input channel, or the network sender of a remote one), which is told through
 * its {@link AvailabilityListener} when the queue turns non-empty and takes buffers with {@link #poll}.
 *
 * <p>Created by whichever side comes first (producer deployment or consumer subscription), through
 * the {@link ResultPartitionManager}.
 */
public final class ResultSubpartition {

    /** Told when the queue goes from empty to non-empty. Must not block. */
    @FunctionalInterface
    public interface AvailabilityListener {
        void notifyDataAvailable();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private final int capacity;
    private AvailabilityListener listener;
    private boolean released;

    public ResultSubpartition(int capacity) {
        this.capacity = capacity;
    }

    /** Appends a buffer, waiting while the queue holds {@code capacity} buffers. */
    public void add(Buffer buffer) throws InterruptedException {
        add(buffer, null);
    }

    /**
     * Appends a buffer, waiting while the queue holds {@code capacity} buffers; the wait counts as
     * backpressured time of {@code producer} (the calling subtask's metrics; null for none).
     */
    public void add(Buffer buffer, TaskMetricGroup producer) throws InterruptedException {
        AvailabilityListener toNotify;
        boolean waited = false;
        lock.lock();
        try {
            while (queue.size() >= capacity && !released) {
                if (!waited && producer != null) {
                    producer.markBackPressured(System.nanoTime());
                    waited = true;
                }
                notFull.await(100, TimeUnit.MILLISECONDS);
            }
            if (released) {
                throw new InterruptedException("result subpartition was released (the job was cancelled or failed)");
            }
            queue.add(buffer);
            toNotify = queue.size() == 1 ? listener : null;
        } finally {
            lock.unlock();
            if (waited) {
                producer.markBusy(System.nanoTime());
            }
        }
        if (toNotify != null) {
            toNotify.notifyDataAvailable();
        }
    }

    /** The next buffer, or null when there is none. */
    public Buffer poll() {
        lock.lock();
        try {
            Buffer b = queue.poll();
            if (b != null) {
                notFull.signal();
            }
            return b;
        } finally {
            lock.unlock();
        }
    }

    /** How many buffers the queue holds before its producer waits. */
    public int capacity() {
        return capacity;
    }

    public int backlog() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    public void setListener(AvailabilityListener listener) {
        boolean hasData;
        lock.lock();
        try {
            this.listener = listener;
            hasData = !queue.isEmpty();
        } finally {
            lock.unlock();
        }
        if (hasData) {
            listener.notifyDataAvailable();
        }
    }

    /** Drops all buffers and wakes a blocked producer, which then fails. */
    public void release() {
        lock.lock();
        try {
            released = true;
            queue.clear();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
