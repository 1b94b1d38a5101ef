package io.flowmesh.engine.exchange;

import io.flowmesh.proto.BufferMessage;
import io.flowmesh.proto.ConsumerMessage;
import io.flowmesh.proto.Credit;
import io.flowmesh.proto.DataExchangeServiceGrpc;
import io.flowmesh.proto.SubpartitionRequest;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;

/**
 * Reads a subpartition of a producer in another TaskManager over a gRPC stream with credit-based
 * flow control: it grants {@code credits} buffers up front and one more for every buffer the
 * subtask has consumed (announced in batches), so at most {@code credits} buffers of this channel
 * are ever in memory here, and a slow consumer slows only its own producers.
 */
public final class RemoteInputChannel extends InputChannel {
    private final ManagedChannel connection;
    private final SubpartitionId subpartitionId;
    private final String producerAddress;
    private final int credits;
    private final int creditBatch;
    private final ArrayDeque<Buffer> received = new ArrayDeque<>();
    private StreamObserver<ConsumerMessage> requests;
    private int unannouncedCredit;
    private volatile boolean ended;

    public RemoteInputChannel(int channelIndex, InputGate gate, ManagedChannel connection, String producerAddress,
            SubpartitionId subpartitionId, int credits) {
        super(channelIndex, gate);
        this.connection = connection;
        this.producerAddress = producerAddress;
        this.subpartitionId = subpartitionId;
        this.credits = credits;
        this.creditBatch = Math.max(1, credits / 4);
    }

    @Override
    public void requestSubpartition() {
        requests = DataExchangeServiceGrpc.newStub(connection).subscribe(new StreamObserver<>() {
            @Override
            public void onNext(BufferMessage message) {
                byte[] data = message.getData().toByteArray();
                boolean endOfPartition = message.getEndOfPartition();
                boolean wasEmpty;
                synchronized (received) {
                    wasEmpty = received.isEmpty();
                    received.add(new Buffer(data, data.length, endOfPartition));
                }
                if (endOfPartition) {
                    ended = true;
                }
                if (wasEmpty) {
                    gate.notifyChannelNonEmpty(RemoteInputChannel.this);
                }
            }

            @Override
            public void onError(Throwable t) {
                if (!ended) {
                    fail(new java.io.IOException("connection to the producer at " + producerAddress + " (" + subpartitionId.producerVertexId()
                            + " subtask " + subpartitionId.producerSubtask() + ") lost: " + t.getMessage(), t));
                }
            }

            @Override
            public void onCompleted() {
                ended = true;
            }
        });
        SubpartitionId id = subpartitionId;
        requests.onNext(ConsumerMessage.newBuilder().setRequest(SubpartitionRequest.newBuilder()
                .setJobId(id.jobId()).setAttempt(id.attempt())
                .setProducerVertexId(id.producerVertexId()).setProducerSubtask(id.producerSubtask())
                .setConsumerVertexId(id.consumerVertexId()).setConsumerSubtask(id.subpartitionIndex())
                .setInitialCredit(credits)).build());
    }

    @Override
    public Buffer pollBuffer() {
        synchronized (received) {
            return received.poll();
        }
    }

    @Override
    public int queuedBuffers() {
        synchronized (received) {
            return received.size();
        }
    }

    @Override
    public int bufferCapacity() {
        return credits;
    }

    @Override
    public boolean hasMore() {
        synchronized (received) {
            return !received.isEmpty();
        }
    }

    @Override
    public void onBufferConsumed() {
        if (++unannouncedCredit >= creditBatch && !ended) {
            requests.onNext(ConsumerMessage.newBuilder().setCredit(Credit.newBuilder().setBuffers(unannouncedCredit)).build());
            unannouncedCredit = 0;
        }
    }

    @Override
    public void close() {
        if (requests != null && !ended) {
            ended = true;
            try {
                requests.onCompleted();
            } catch (RuntimeException ignored) {
                // the stream is already gone
            }
        }
    }
}
