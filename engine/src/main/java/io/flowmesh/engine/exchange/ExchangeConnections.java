package io.flowmesh.engine.exchange;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One gRPC connection per remote TaskManager data address, shared by all remote input channels of this TaskManager. */
public final class ExchangeConnections implements AutoCloseable {
    private final ConcurrentHashMap<String, ManagedChannel> connections = new ConcurrentHashMap<>();

    public ManagedChannel get(String dataAddress) {
        return connections.computeIfAbsent(dataAddress, address -> NettyChannelBuilder.forTarget(address)
                .usePlaintext()
                .flowControlWindow(4 * 1024 * 1024)
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build());
    }

    @Override
    public void close() {
        for (ManagedChannel c : connections.values()) {
            c.shutdownNow();
        }
        for (ManagedChannel c : connections.values()) {
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
