package io.flowmesh.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.LocalClusterException;
import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import io.flowmesh.local.ManagedProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flowmesh local up|down|status}: the local cluster of {@link LocalCluster}. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Starts, stops and shows a local cluster: Kafka, an S3 server and the four Flowmesh services, "
                + "each a separate process on this machine.",
        subcommands = {LocalCommand.Up.class, LocalCommand.Down.class, LocalCommand.Status.class},
        footer = {"", "Examples:", "  ./flowmesh local up", "  ./flowmesh local status", "  ./flowmesh local down"})
final class LocalCommand implements Runnable {

    @ParentCommand
    FlowmeshCli cli;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: one of up, down, status");
    }

    Path runDir(Path option) {
        return option != null ? option.toAbsolutePath().normalize() : cli.env.localRunDir();
    }

    @Command(name = "up", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = {"Starts the local cluster, one process after another, and prints its addresses.",
                    "Returns the running cluster if there is one in the run dir already. Kafka and S3 start empty."},
            footer = {"", "Examples:", "  ./flowmesh local up", "  ./flowmesh local up --taskmanagers 3 --slots 4",
                    "  ./flowmesh local up --run-dir /tmp/fm2 --kafka-port 19092 --kafka-controller-port 19093 "
                            + "--s3-port 19000 --dispatcher-port 18081 --jobmanager-port 18082 "
                            + "--coordinator-port 18083 --taskmanager-port 18090 --data-port 16120",
                    "  ./flowmesh local up -o json | jq -r .dispatcherAddress   (progress goes to stderr)"})
    static final class Up implements Callable<Integer> {
        @ParentCommand
        LocalCommand local;

        @Mixin
        OutputOptions output;

        @Option(names = "--run-dir", paramLabel = "<dir>",
                description = "State file, logs and data. Default: <flowmesh home>/.flowmesh/local.")
        Path runDir;

        @Option(names = "--kafka-port", paramLabel = "<port>",
                defaultValue = "" + LocalClusterOptions.DEFAULT_KAFKA_PORT, description = "Kafka's bootstrap port.")
        int kafkaPort;

        @Option(names = "--kafka-controller-port", paramLabel = "<port>",
                defaultValue = "" + LocalClusterOptions.DEFAULT_KAFKA_CONTROLLER_PORT,
                description = "Kafka's KRaft controller port.")
        int kafkaControllerPort;

        @Option(names = "--s3-port", paramLabel = "<port>", defaultValue = "" + LocalClusterOptions.DEFAULT_S3_PORT,
                description = "The S3 server's port.")
        int s3Port;

        @Option(names = "--dispatcher-port", paramLabel = "<port>",
                defaultValue = "" + LocalClusterOptions.DEFAULT_DISPATCHER_PORT,
                description = "The dispatcher's port (gRPC, REST and Web UI).")
        int dispatcherPort;

        @Option(names = "--jobmanager-port", paramLabel = "<port>",
                defaultValue = "" + LocalClusterOptions.DEFAULT_JOBMANAGER_PORT, description = "The JobManager's port.")
        int jobManagerPort;

        @Option(names = "--coordinator-port", paramLabel = "<port>",
                defaultValue = "" + LocalClusterOptions.DEFAULT_COORDINATOR_PORT,
                description = "The checkpoint coordinator's port.")
        int coordinatorPort;

        @Option(names = "--taskmanager-port", paramLabel = "<base>",
                defaultValue = "" + LocalClusterOptions.DEFAULT_TASKMANAGER_PORT_BASE,
                description = "TaskManager k listens on <base>+k.")
        int taskManagerPortBase;

        @Option(names = "--data-port", paramLabel = "<base>",
                defaultValue = "" + LocalClusterOptions.DEFAULT_DATA_PORT_BASE,
                description = "TaskManager k exchanges data on <base>+k.")
        int dataPortBase;

        @Option(names = "--taskmanagers", paramLabel = "<n>", defaultValue = "" + LocalClusterOptions.DEFAULT_TASKMANAGERS,
                description = "How many TaskManagers.")
        int taskManagers;

        @Option(names = "--slots", paramLabel = "<n>", defaultValue = "" + LocalClusterOptions.DEFAULT_SLOTS,
                description = "Task slots per TaskManager.")
        int slots;

        @Option(names = "--ha", description = "High availability (high-availability.type: s3): a second, standby JobManager, coordinator and "
                + "dispatcher (dispatcher-2); the services and the CLI find each leader by its lease in S3.")
        boolean highAvailability;

        @Option(names = "--standby-jobmanager-port", paramLabel = "<port>",
                defaultValue = "" + LocalClusterOptions.DEFAULT_STANDBY_JOBMANAGER_PORT,
                description = "With --ha: the standby JobManager's port; the standby coordinator takes the next one, "
                        + "the standby dispatcher (gRPC, REST / Web UI) the one after (default 8086).")
        int standbyJobManagerPort;

        LocalClusterOptions options() {
            try {
                return LocalClusterOptions.defaults(local.cli.env.home())
                        .withRunDir(local.runDir(runDir))
                        .withKafkaPort(kafkaPort).withKafkaControllerPort(kafkaControllerPort).withS3Port(s3Port)
                        .withDispatcherPort(dispatcherPort).withJobManagerPort(jobManagerPort)
                        .withCoordinatorPort(coordinatorPort).withTaskManagerPortBase(taskManagerPortBase)
                        .withDataPortBase(dataPortBase).withTaskManagers(taskManagers).withSlotsPerTaskManager(slots)
                        .withStandbyJobManagerPort(standbyJobManagerPort).withHighAvailability(highAvailability);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), 2);
            }
        }

        @Override
        public Integer call() {
            try {
                LocalClusterState state = LocalCluster.up(options(), output.isJson() ? local.cli.err : local.cli.out);
                if (output.isJson()) {
                    local.cli.out.println(state.toJson());
                }
            } catch (LocalClusterException e) {
                throw new CliException("could not start the local cluster: " + e.getMessage());
            }
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stops the local cluster's processes (newest first) and forgets them; keeps the logs.",
            footer = {"", "Examples:", "  ./flowmesh local down", "  ./flowmesh local down -o json   (progress goes to stderr)"})
    static final class Down implements Callable<Integer> {
        @ParentCommand
        LocalCommand local;

        @Mixin
        OutputOptions output;

        @Option(names = "--run-dir", paramLabel = "<dir>", description = "Default: <flowmesh home>/.flowmesh/local.")
        Path runDir;

        @Override
        public Integer call() {
            Path dir = local.runDir(runDir);
            LocalCluster.down(dir, output.isJson() ? local.cli.err : local.cli.out);
            if (output.isJson()) {
                local.cli.out.println(Formats.json(Formats.jsonObject().put("runDir", dir.toString()).put("running", false)));
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows whether the local cluster runs, each process with its PID and addresses. "
                    + "Exits 0 when it runs, 1 when it does not.",
            footer = {"", "Examples:", "  ./flowmesh local status", "  ./flowmesh local status -o json   (also --json)"})
    static final class Status implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        @ParentCommand
        LocalCommand local;

        @Option(names = "--run-dir", paramLabel = "<dir>", description = "Default: <flowmesh home>/.flowmesh/local.")
        Path runDir;

        /** JSON: cluster.json, with "running" and each process's "alive". */
        @Mixin
        OutputOptions output;

        @Override
        public Integer call() throws IOException {
            Path dir = local.runDir(runDir);
            Optional<LocalClusterState> state = LocalCluster.status(dir);
            if (output.isJson()) {
                ObjectNode root = state.isPresent() ? (ObjectNode) JSON.readTree(state.get().toJson())
                        : JSON.createObjectNode().put("runDir", dir.toString());
                root.put("running", state.isPresent());
                state.ifPresent(s -> {
                    for (int i = 0; i < s.processes().size(); i++) {
                        ((ObjectNode) root.withArray("processes").get(i)).put("alive", s.isAlive(s.processes().get(i)));
                    }
                });
                local.cli.out.println(JSON.writeValueAsString(root));
                return state.isPresent() ? 0 : 1;
            }
            if (state.isEmpty()) {
                local.cli.out.println("No local cluster is running in " + dir + ".");
                return 1;
            }
            LocalClusterState s = state.get();
            boolean complete = s.deadProcesses().isEmpty();
            local.cli.out.println("Local cluster in " + dir + (complete ? ": running" : ": partly running")
                    + " (started " + s.startedAt() + ")");
            for (ManagedProcess p : s.processes()) {
                local.cli.out.printf("  %-14s pid %-8d %-7s %s%n", p.role(), p.pid(), s.isAlive(p) ? "alive" : "DEAD",
                        String.join(", ", p.addresses().values().stream().sorted().toList()));
            }
            LocalCluster.describe(s, local.cli.out);
            return 0;
        }
    }
}
