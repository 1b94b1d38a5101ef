package io.flowmesh.engine.exchange;

/**
 * One input of a subtask: the buffers of one producer subpartition. The gate's owner (the consuming
 * subtask's thread) calls {@link #pollBuffer()} and {@link #onBufferConsumed()}; the data side
 * (producer thread or network thread) calls {@link InputGate#notifyChannelNonEmpty} when buffers arrive.
 */
public abstract class InputChannel {
    final int channelIndex;
    final InputGate gate;
    /** Guarded by the gate's lock: whether the channel sits in the gate's available queue. */
    boolean enqueued;
    private volatile Throwable error;

    protected InputChannel(int channelIndex, InputGate gate) {
        this.channelIndex = channelIndex;
        this.gate = gate;
    }

    public int channelIndex() {
        return channelIndex;
    }

    /** Connects to the producer's subpartition. Called once, on the consumer's thread. */
    public abstract void requestSubpartition() throws Exception;

    /** The next buffer, or null. Never blocks. */
    public abstract Buffer pollBuffer() throws Exception;

    /** Whether more buffers are queued right now. */
    public abstract boolean hasMore();

    /** The buffer last polled was processed: its memory is free again (returns credit). */
    public void onBufferConsumed() {}

    public void close() {}

    /** Buffers received and not yet consumed (for the input buffer usage metric; any thread). */
    public int queuedBuffers() {
        return 0;
    }

    /** How many buffers this channel can hold before its producer waits (credits, or the local queue's capacity). */
    public int bufferCapacity() {
        return 0;
    }

    protected void fail(Throwable t) {
        error = t;
        gate.notifyChannelNonEmpty(this);
    }

    /** Throws the transport error that ended this channel, if any. */
    public void checkError() throws Exception {
        Throwable t = error;
        if (t != null) {
            throw new java.io.IOException("input channel " + channelIndex + " failed: " + t.getMessage(), t);
        }
    }
}
