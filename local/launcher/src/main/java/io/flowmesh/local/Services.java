package io.flowmesh.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four Flowmesh services as the local cluster starts them, by
 * {@code docs/local-cluster-contract.md}: each {@code quarkus-run.jar} with the contract's
 * {@code -D} properties, ready when {@code GET /q/health/ready} answers 200.
 *
 * <p>JVM flags. The control plane (dispatcher, JobManager, checkpoint coordinator) gets
 * {@value #CONTROL_PLANE_FLAGS_DOC}. Measured on the 2-core machine with the dispatcher (start
 * until {@code /q/health/ready} = 200, four alternating runs beside Kafka and S3): plain
 * {@code -Xmx256m} took 4.4–5.1 s of CPU and 4.1–5.8 s; with the serial collector 4.2–4.5 s of
 * CPU; with C1 only ({@code TieredStopAtLevel=1}) as well 2.7–2.9 s of CPU and 2.3–3.6 s, at the
 * same ~175 MB RSS. Start-up is when these JVMs compete for the two cores, and the control plane
 * handles few requests per second, so peak JIT code buys nothing there; the serial collector needs
 * no GC threads. TaskManagers run user code over every record, so they keep the full JIT and the
 * default collector, with a 1 GiB heap.
 */
final class Services {

    static final String CONTROL_PLANE_FLAGS_DOC = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    static final List<String> CONTROL_PLANE_JVM_OPTIONS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    static final List<String> TASKMANAGER_JVM_OPTIONS = List.of("-Xmx1g");
    static final String HEALTH_PATH = "/q/health/ready";

    /** One service process to start: its role, module (where its jar is), port and command. */
    record Service(String role, String module, int port, Map<String, String> addresses, List<String> command) {

        String healthUrl() {
            return "http://127.0.0.1:" + port + HEALTH_PATH;
        }
    }

    private Services() {
    }

    static Path runnerJar(Path home, String module) {
        return home.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** The modules whose {@code quarkus-run.jar} the cluster starts. */
    static List<String> modules() {
        return List.of("dispatcher", "jobmanager-svc", "checkpoint-coordinator", "taskmanager-svc");
    }

    /**
     * The services in start order: dispatcher, jobmanager, coordinator, taskmanager-1..N; with high
     * availability dispatcher-2, jobmanager-2 and coordinator-2 after the first of their kind.
     */
    static List<Service> plan(LocalClusterOptions o, String java) {
        String jobManager = "127.0.0.1:" + o.jobManagerPort();
        List<Service> services = new ArrayList<>();
        List<String> dispatcherProperties = List.of("-Dflowmesh.dispatcher.jobmanager-address=" + jobManager,
                "-Dflowmesh.dispatcher.coordinator-address=127.0.0.1:" + o.coordinatorPort());
        services.add(service(o, java, "dispatcher", "dispatcher", o.dispatcherPort(), o.highAvailability()
                ? plus(dispatcherProperties, "-Dflowmesh.dispatcher.advertised-address=127.0.0.1:" + o.dispatcherPort())
                : dispatcherProperties, null));
        if (o.highAvailability()) {
            // started second: the first dispatcher takes the lease first and leads, this one stands by
            services.add(service(o, java, "dispatcher-2", "dispatcher", o.standbyDispatcherPort(),
                    plus(dispatcherProperties, "-Dflowmesh.dispatcher.advertised-address=127.0.0.1:" + o.standbyDispatcherPort()), null));
        }
        services.add(service(o, java, "jobmanager", "jobmanager-svc", o.jobManagerPort(), o.highAvailability()
                ? List.of("-Dflowmesh.jobmanager.advertised-address=127.0.0.1:" + o.jobManagerPort()) : List.of(), null));
        if (o.highAvailability()) {
            services.add(service(o, java, "jobmanager-2", "jobmanager-svc", o.standbyJobManagerPort(),
                    List.of("-Dflowmesh.jobmanager.advertised-address=127.0.0.1:" + o.standbyJobManagerPort()), null));
        }
        services.add(service(o, java, "coordinator", "checkpoint-coordinator", o.coordinatorPort(), o.highAvailability()
                ? List.of("-Dflowmesh.coordinator.jobmanager-address=" + jobManager,
                        "-Dflowmesh.coordinator.advertised-address=127.0.0.1:" + o.coordinatorPort())
                : List.of("-Dflowmesh.coordinator.jobmanager-address=" + jobManager), null));
        if (o.highAvailability()) {
            services.add(service(o, java, "coordinator-2", "checkpoint-coordinator", o.standbyCoordinatorPort(),
                    List.of("-Dflowmesh.coordinator.jobmanager-address=" + jobManager,
                            "-Dflowmesh.coordinator.advertised-address=127.0.0.1:" + o.standbyCoordinatorPort()), null));
        }
        for (int k = 1; k <= o.taskManagers(); k++) {
            services.add(service(o, java, "taskmanager-" + k, "taskmanager-svc", o.taskManagerPort(k), List.of(
                    "-Dflowmesh.taskmanager.id=taskmanager-" + k,
                    "-Dflowmesh.taskmanager.host=127.0.0.1",
                    "-Dflowmesh.taskmanager.data-port=" + o.dataPort(k),
                    "-Dflowmesh.taskmanager.jobmanager-address=" + jobManager,
                    "-Dtaskmanager.numberOfTaskSlots=" + o.slotsPerTaskManager()),
                    "127.0.0.1:" + o.dataPort(k)));
        }
        return services;
    }

    private static List<String> plus(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return all;
    }

    private static Service service(LocalClusterOptions o, String java, String role, String module, int port,
            List<String> roleProperties, String dataAddress) {
        boolean taskManager = role.startsWith("taskmanager-");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(taskManager ? TASKMANAGER_JVM_OPTIONS : CONTROL_PLANE_JVM_OPTIONS);
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dflowmesh.kafka.bootstrap-servers=127.0.0.1:" + o.kafkaPort());
        command.add("-Dflowmesh.s3.endpoint=http://127.0.0.1:" + o.s3Port());
        command.add("-Dflowmesh.s3.access-key=" + S3Server.ACCESS_KEY);
        command.add("-Dflowmesh.s3.secret-key=" + S3Server.SECRET_KEY);
        command.add("-Dflowmesh.s3.bucket=" + S3Server.BUCKET);
        command.add(Processes.marker(o.runDir()));
        if (o.highAvailability()) {
            command.add("-Dhigh-availability.type=s3");
        }
        command.addAll(roleProperties);
        command.add("-jar");
        command.add(runnerJar(o.home(), module).toString());
        Map<String, String> addresses = new LinkedHashMap<>();
        addresses.put(ManagedProcess.HTTP, "http://127.0.0.1:" + port);
        addresses.put(ManagedProcess.GRPC, "127.0.0.1:" + port);
        if (dataAddress != null) {
            addresses.put(ManagedProcess.DATA, dataAddress);
        }
        return new Service(role, module, port, addresses, command);
    }
}
