package io.flowmesh.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for a Quarkus service in {@link LocalClusterServicesIT}: answers
 * {@code GET /q/health/ready} with 200 on {@code -Dquarkus.http.port} until it is stopped.
 */
public final class FakeService {

    private FakeService() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.getInteger("quarkus.http.port");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/q/health/ready", exchange -> {
            byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("fake service listening on " + port);
    }

    /** Stands in for a service that cannot start. */
    public static final class Failing {
        private Failing() {
        }

        public static void main(String[] args) {
            System.out.println("fake failure: cannot connect to the JobManager");
            System.exit(3);
        }
    }
}
