package io.flowmesh.engine.exchange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * All input channels of one subtask, with a queue of the channels that have data, in the order they
 * got it (round robin between busy channels). The consuming subtask's thread takes a channel with
 * {@link #pollChannel()} / {@link #awaitChannel(long)}, reads one buffer from it, and calls
 * {@link #requeueIfMore}; producers and network threads call {@link #notifyChannelNonEmpty}.
 */
public final class InputGate {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<InputChannel> available = new ArrayDeque<>();
    private final List<InputChannel> channels = new ArrayList<>();

    public void addChannel(InputChannel channel) {
        channels.add(channel);
    }

    public List<InputChannel> channels() {
        return channels;
    }

    public int numberOfChannels() {
        return channels.size();
    }

    public void notifyChannelNonEmpty(InputChannel channel) {
        lock.lock();
        try {
            if (!channel.enqueued) {
                channel.enqueued = true;
                available.add(channel);
                if (available.size() == 1) {
                    nonEmpty.signal();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** A channel with data, or null. Never blocks. */
    public InputChannel pollChannel() {
        lock.lock();
        try {
            InputChannel ch = available.poll();
            if (ch != null) {
                ch.enqueued = false;
            }
            return ch;
        } finally {
            lock.unlock();
        }
    }

    /** A channel with data, waiting at most {@code timeoutMillis}; null on time-out. */
    public InputChannel awaitChannel(long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            if (available.isEmpty()) {
                nonEmpty.await(timeoutMillis, TimeUnit.MILLISECONDS);
            }
            InputChannel ch = available.poll();
            if (ch != null) {
                ch.enqueued = false;
            }
            return ch;
        } finally {
            lock.unlock();
        }
    }

    /** After a buffer was taken from {@code channel}: puts it back in line if it has more. */
    public void requeueIfMore(InputChannel channel) {
        if (channel.hasMore()) {
            notifyChannelNonEmpty(channel);
        }
    }

    /** Wakes a waiting consumer (cancellation). */
    public void wakeUp() {
        lock.lock();
        try {
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void close() {
        channels.forEach(InputChannel::close);
    }
}
