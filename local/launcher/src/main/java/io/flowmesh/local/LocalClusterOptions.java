package io.flowmesh.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link LocalCluster#up} starts, and where: an immutable value with one wither per field.
 *
 * <p>{@code home} is the Flowmesh checkout whose build outputs are started
 * ({@code local/kafka-broker/target/lib}, {@code dispatcher/target/quarkus-app/quarkus-run.jar},
 * ...); {@code runDir} holds the cluster's state file, logs and data. Both are made absolute.
 *
 * <p>TaskManager {@code k} (1-based) listens on {@code taskManagerPortBase + k} (HTTP and gRPC)
 * and {@code dataPortBase + k} (data exchange). With {@code startServices = false} only Kafka and
 * the S3 server are started, for tests of a single service.
 */
public record LocalClusterOptions(
        Path home,
        Path runDir,
        int kafkaPort,
        int kafkaControllerPort,
        int s3Port,
        int dispatcherPort,
        int jobManagerPort,
        int coordinatorPort,
        int taskManagerPortBase,
        int dataPortBase,
        int taskManagers,
        int slotsPerTaskManager,
        boolean startServices,
        int standbyJobManagerPort,
        boolean highAvailability) {

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_KAFKA_CONTROLLER_PORT = 9093;
    public static final int DEFAULT_S3_PORT = 9000;
    public static final int DEFAULT_DISPATCHER_PORT = 8081;
    public static final int DEFAULT_JOBMANAGER_PORT = 8082;
    public static final int DEFAULT_COORDINATOR_PORT = 8083;
    public static final int DEFAULT_TASKMANAGER_PORT_BASE = 8090;
    public static final int DEFAULT_DATA_PORT_BASE = 6120;
    public static final int DEFAULT_TASKMANAGERS = 2;
    public static final int DEFAULT_SLOTS = 2;
    /** With high availability: the second JobManager's port (the second coordinator's is the next, the second dispatcher's the one after). */
    public static final int DEFAULT_STANDBY_JOBMANAGER_PORT = 8084;

    public LocalClusterOptions {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(runDir, "runDir");
        home = home.toAbsolutePath().normalize();
        runDir = runDir.toAbsolutePath().normalize();
        if (taskManagers < 0) {
            throw new IllegalArgumentException("taskManagers must be >= 0, was " + taskManagers);
        }
        if (slotsPerTaskManager < 1) {
            throw new IllegalArgumentException("slotsPerTaskManager must be >= 1, was " + slotsPerTaskManager);
        }
        for (int port : List.of(kafkaPort, kafkaControllerPort, s3Port, dispatcherPort, jobManagerPort,
                coordinatorPort, taskManagerPortBase + 1, dataPortBase + 1,
                taskManagerPortBase + Math.max(1, taskManagers), dataPortBase + Math.max(1, taskManagers))) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range 1..65535: " + port);
            }
        }
    }

    /** The defaults of {@code flowmesh local up}: run dir {@code <home>/.flowmesh/local}, ports 9092.. */
    public static LocalClusterOptions defaults(Path home) {
        return new LocalClusterOptions(home, defaultRunDir(home), DEFAULT_KAFKA_PORT, DEFAULT_KAFKA_CONTROLLER_PORT,
                DEFAULT_S3_PORT, DEFAULT_DISPATCHER_PORT, DEFAULT_JOBMANAGER_PORT, DEFAULT_COORDINATOR_PORT,
                DEFAULT_TASKMANAGER_PORT_BASE, DEFAULT_DATA_PORT_BASE, DEFAULT_TASKMANAGERS, DEFAULT_SLOTS, true, DEFAULT_STANDBY_JOBMANAGER_PORT, false);
    }

    /** {@code <home>/.flowmesh/local}: where the CLI looks for the local cluster's state. */
    public static Path defaultRunDir(Path home) {
        return home.toAbsolutePath().normalize().resolve(".flowmesh").resolve("local");
    }

    /** HTTP and gRPC port of TaskManager {@code k}, 1-based. */
    public int taskManagerPort(int k) {
        return taskManagerPortBase + k;
    }

    /** Data-exchange port of TaskManager {@code k}, 1-based. */
    public int dataPort(int k) {
        return dataPortBase + k;
    }

    /**
     * Every port this cluster will listen on, in start order, keyed by the CLI option that sets it
     * (with the TaskManager number for the per-TaskManager ports).
     */
    public Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("--kafka-port", kafkaPort);
        ports.put("--kafka-controller-port", kafkaControllerPort);
        ports.put("--s3-port", s3Port);
        if (startServices) {
            ports.put("--dispatcher-port", dispatcherPort);
            ports.put("--jobmanager-port", jobManagerPort);
            if (highAvailability) {
                ports.put("--standby-jobmanager-port", standbyJobManagerPort);
                ports.put("--standby-jobmanager-port (+1: coordinator-2)", standbyCoordinatorPort());
                ports.put("--standby-jobmanager-port (+2: dispatcher-2)", standbyDispatcherPort());
            }
            ports.put("--coordinator-port", coordinatorPort);
            for (int k = 1; k <= taskManagers; k++) {
                ports.put("--taskmanager-port (+" + k + " for taskmanager-" + k + ")", taskManagerPort(k));
                ports.put("--data-port (+" + k + " for taskmanager-" + k + ")", dataPort(k));
            }
        }
        return ports;
    }

    public LocalClusterOptions withHome(Path v) {
        return new LocalClusterOptions(v, runDir, kafkaPort, kafkaControllerPort, s3Port, dispatcherPort,
                jobManagerPort, coordinatorPort, taskManagerPortBase, dataPortBase, taskManagers,
                slotsPerTaskManager, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withRunDir(Path v) {
        return new LocalClusterOptions(home, v, kafkaPort, kafkaControllerPort, s3Port, dispatcherPort,
                jobManagerPort, coordinatorPort, taskManagerPortBase, dataPortBase, taskManagers,
                slotsPerTaskManager, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withKafkaPort(int v) {
        return new LocalClusterOptions(home, runDir, v, kafkaControllerPort, s3Port, dispatcherPort,
                jobManagerPort, coordinatorPort, taskManagerPortBase, dataPortBase, taskManagers,
                slotsPerTaskManager, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withKafkaControllerPort(int v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, v, s3Port, dispatcherPort,
                jobManagerPort, coordinatorPort, taskManagerPortBase, dataPortBase, taskManagers,
                slotsPerTaskManager, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withS3Port(int v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, kafkaControllerPort, v, dispatcherPort,
                jobManagerPort, coordinatorPort, taskManagerPortBase, dataPortBase, taskManagers,
                slotsPerTaskManager, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withDispatcherPort(int v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, kafkaControllerPort, s3Port, v,
                jobManagerPort, coordinatorPort, taskManagerPortBase, dataPortBase, taskManagers,
                slotsPerTaskManager, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withJobManagerPort(int v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, kafkaControllerPort, s3Port, dispatcherPort,
                v, coordinatorPort, taskManagerPortBase, dataPortBase, taskManagers,
                slotsPerTaskManager, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withCoordinatorPort(int v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, kafkaControllerPort, s3Port, dispatcherPort,
                jobManagerPort, v, taskManagerPortBase, dataPortBase, taskManagers,
                slotsPerTaskManager, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withTaskManagerPortBase(int v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, kafkaControllerPort, s3Port, dispatcherPort,
                jobManagerPort, coordinatorPort, v, dataPortBase, taskManagers,
                slotsPerTaskManager, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withDataPortBase(int v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, kafkaControllerPort, s3Port, dispatcherPort,
                jobManagerPort, coordinatorPort, taskManagerPortBase, v, taskManagers,
                slotsPerTaskManager, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withTaskManagers(int v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, kafkaControllerPort, s3Port, dispatcherPort,
                jobManagerPort, coordinatorPort, taskManagerPortBase, dataPortBase, v,
                slotsPerTaskManager, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withSlotsPerTaskManager(int v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, kafkaControllerPort, s3Port, dispatcherPort,
                jobManagerPort, coordinatorPort, taskManagerPortBase, dataPortBase, taskManagers,
                v, startServices, standbyJobManagerPort, highAvailability);
    }

    public LocalClusterOptions withStartServices(boolean v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, kafkaControllerPort, s3Port, dispatcherPort,
                jobManagerPort, coordinatorPort, taskManagerPortBase, dataPortBase, taskManagers,
                slotsPerTaskManager, v, standbyJobManagerPort, highAvailability);
    }

    /**
     * High availability ({@code high-availability.type: s3} for every service): a second, standby
     * JobManager on {@link #standbyJobManagerPort}, coordinator on {@link #standbyCoordinatorPort} and
     * dispatcher on {@link #standbyDispatcherPort}; the services and clients find each leader by its lease.
     */
    public LocalClusterOptions withHighAvailability(boolean v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, kafkaControllerPort, s3Port, dispatcherPort,
                jobManagerPort, coordinatorPort, taskManagerPortBase, dataPortBase, taskManagers,
                slotsPerTaskManager, startServices, standbyJobManagerPort, v);
    }

    /** With high availability: the second coordinator's port, the one after the standby JobManager's. */
    public int standbyCoordinatorPort() {
        return standbyJobManagerPort + 1;
    }

    /** With high availability: the second dispatcher's port (gRPC, REST and Web UI), two after the standby JobManager's. */
    public int standbyDispatcherPort() {
        return standbyJobManagerPort + 2;
    }

    /** The standby JobManager's port; the standby coordinator takes the next one, the standby dispatcher the one after. */
    public LocalClusterOptions withStandbyJobManagerPort(int v) {
        return new LocalClusterOptions(home, runDir, kafkaPort, kafkaControllerPort, s3Port, dispatcherPort,
                jobManagerPort, coordinatorPort, taskManagerPortBase, dataPortBase, taskManagers,
                slotsPerTaskManager, startServices, v, highAvailability);
    }

    /** Every port shifted by {@code delta}: a second cluster beside the default one. */
    public LocalClusterOptions withPortOffset(int delta) {
        return new LocalClusterOptions(home, runDir, kafkaPort + delta, kafkaControllerPort + delta,
                s3Port + delta, dispatcherPort + delta, jobManagerPort + delta, coordinatorPort + delta,
                taskManagerPortBase + delta, dataPortBase + delta, taskManagers, slotsPerTaskManager,
                startServices, standbyJobManagerPort + delta, highAvailability);
    }

    /**
     * Every port replaced by one that is free right now (the per-TaskManager ranges included): for
     * tests that run beside a default cluster or each other. Another process may still take a port
     * before the cluster binds it; {@link LocalCluster#up} then fails naming that port.
     */
    public LocalClusterOptions withFreePorts() {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int n = Math.max(1, taskManagers);
            return new LocalClusterOptions(home, runDir, freePort(held), freePort(held), freePort(held),
                    freePort(held), freePort(held), freePort(held), freeRangeBase(held, n),
                    freeRangeBase(held, n), taskManagers, slotsPerTaskManager, startServices, freeRangeBase(held, 3) + 1, highAvailability);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to do: the port was only held to keep it apart from the others
                }
            }
        }
    }

    /**
     * A free port below Linux's ephemeral range (32768+): a port the kernel hands out with port 0
     * can be taken, between this check and the service's start, by the local end of some client
     * connection (Kafka clients open many) — a service then failed "port in use" on CI.
     */
    private static int freePort(List<ServerSocket> held) {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = random.nextInt(FREE_PORT_MIN, FREE_PORT_MAX);
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress("127.0.0.1", port));
                held.add(s);
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new UncheckedIOException(new IOException("no free port in [" + FREE_PORT_MIN + ", " + FREE_PORT_MAX + ") after 500 attempts"));
    }

    /** Where {@link #withFreePorts()} looks: below the kernel's ephemeral ports. */
    public static final int FREE_PORT_MIN = 10000;
    public static final int FREE_PORT_MAX = 32000;

    /** A base b such that b+1..b+n are free (and held until the options are built). */
    private static int freeRangeBase(List<ServerSocket> held, int n) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = freePort(held);
            List<ServerSocket> range = new ArrayList<>();
            boolean ok = true;
            for (int k = 1; k < n && ok; k++) {
                try {
                    ServerSocket s = new ServerSocket();
                    s.setReuseAddress(false);
                    s.bind(new InetSocketAddress("127.0.0.1", first + k));
                    range.add(s);
                } catch (IOException e) {
                    ok = false;
                }
            }
            held.addAll(range);
            if (ok && first + n - 1 <= 65535) {
                return first - 1;
            }
        }
        throw new IllegalStateException("found no " + n + " consecutive free ports");
    }
}
