package io.flowmesh.engine.exchange;

import com.google.protobuf.UnsafeByteOperations;
import io.flowmesh.proto.BufferMessage;
import io.flowmesh.proto.ConsumerMessage;
import io.flowmesh.proto.DataExchangeServiceGrpc;
import io.flowmesh.proto.SubpartitionRequest;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The producer side of the data plane: a gRPC server (plain grpc-netty on its own port, apart from
 * the service's control-plane gRPC) that streams subpartitions to remote consumers against their
 * credits. One {@link SubpartitionSender} per stream drains its subpartition on a small shared pool;
 * at most one drain per stream runs at a time, so the stream's observer is never called concurrently.
 */
public final class DataExchangeServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DataExchangeServer.class);

    private final ResultPartitionManager partitionManager;
    private final ExecutorService senders;
    private final Server server;

    public DataExchangeServer(String host, int port, ResultPartitionManager partitionManager) {
        this.partitionManager = partitionManager;
        this.senders = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "flowmesh-exchange-sender");
            t.setDaemon(true);
            return t;
        });
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .addService(new Service())
                .flowControlWindow(4 * 1024 * 1024)
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    public DataExchangeServer start() throws IOException {
        server.start();
        LOG.infof("data exchange server listening on port %d", server.getPort());
        return this;
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
        senders.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Service extends DataExchangeServiceGrpc.DataExchangeServiceImplBase {
        @Override
        public StreamObserver<ConsumerMessage> subscribe(StreamObserver<BufferMessage> responses) {
            ServerCallStreamObserver<BufferMessage> out = (ServerCallStreamObserver<BufferMessage>) responses;
            SubpartitionSender sender = new SubpartitionSender(out);
            out.setOnReadyHandler(sender::schedule);
            out.setOnCancelHandler(sender::cancel);
            return new StreamObserver<>() {
                @Override
                public void onNext(ConsumerMessage message) {
                    if (message.hasRequest()) {
                        sender.start(message.getRequest());
                    } else if (message.hasCredit()) {
                        sender.addCredit(message.getCredit().getBuffers());
                    }
                }

                @Override
                public void onError(Throwable t) {
                    sender.cancel();
                }

                @Override
                public void onCompleted() {
                    sender.cancel();
                }
            };
        }
    }

    /** Sends one subpartition's buffers on one stream, one per credit. */
    private final class SubpartitionSender {
        private final ServerCallStreamObserver<BufferMessage> out;
        private final AtomicInteger credit = new AtomicInteger();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile ResultSubpartition subpartition;
        private volatile SubpartitionId id;
        private volatile boolean done;

        SubpartitionSender(ServerCallStreamObserver<BufferMessage> out) {
            this.out = out;
        }

        void start(SubpartitionRequest r) {
            id = new SubpartitionId(r.getJobId(), r.getAttempt(), r.getProducerVertexId(), r.getProducerSubtask(), r.getConsumerVertexId(),
                    r.getConsumerSubtask());
            credit.set(r.getInitialCredit());
            subpartition = partitionManager.getOrCreate(id);
            subpartition.setListener(this::schedule);
        }

        void addCredit(int buffers) {
            credit.addAndGet(buffers);
            schedule();
        }

        void schedule() {
            if (subpartition != null && !done && scheduled.compareAndSet(false, true)) {
                try {
                    senders.execute(this::drain);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    scheduled.set(false);
                }
            }
        }

        void cancel() {
            done = true;
        }

        private void drain() {
            try {
                while (!done && credit.get() > 0 && out.isReady()) {
                    Buffer b = subpartition.poll();
                    if (b == null) {
                        break;
                    }
                    credit.decrementAndGet();
                    out.onNext(BufferMessage.newBuilder()
                            .setData(UnsafeByteOperations.unsafeWrap(b.data(), 0, b.length()))
                            .setBacklog(subpartition.backlog())
                            .setEndOfPartition(b.endOfPartition())
                            .build());
                    if (b.endOfPartition()) {
                        done = true;
                        partitionManager.remove(id);
                        out.onCompleted();
                    }
                }
            } catch (RuntimeException e) {
                done = true;
                LOG.debugf(e, "stream of %s ended", id);
            } finally {
                scheduled.set(false);
            }
            if (!done && credit.get() > 0 && out.isReady() && subpartition.backlog() > 0) {
                schedule();
            }
        }
    }
}
