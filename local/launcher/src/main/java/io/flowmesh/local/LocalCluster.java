package io.flowmesh.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Starts, inspects and stops a local Flowmesh cluster: Kafka, an S3 server and the four services,
 * each a separate JVM, as {@code docs/local-cluster-contract.md} describes.
 *
 * <p><b>up</b> starts the processes one after another, each only once the one before is ready
 * (two cores: JVMs that start together starve each other): Kafka (ready at the log line
 * {@value KafkaBroker#READY_LINE}), the S3 server (ready when it answers HTTP; then the bucket is
 * created), and, if {@link LocalClusterOptions#startServices()}, dispatcher, jobmanager,
 * coordinator and taskmanager-1..N (ready when {@code /q/health/ready} answers 200). Every PID is
 * written to {@code <runDir>/cluster.json} as soon as it is spawned. When a process exits or is not
 * ready in time (60 s each, or the system property {@value #TIMEOUT_PROPERTY}), everything started
 * so far is stopped, the last 30 lines of that process's log are printed, and a
 * {@link LocalClusterException} names the role and the log. Kafka and S3 data start empty on every
 * up; logs are overwritten on up and kept on down.
 *
 * <p><b>down</b> stops the recorded processes in reverse start order (SIGTERM, up to 10 s, then
 * SIGKILL; descendants too), but only those whose command line carries this run dir's marker,
 * then deletes {@code cluster.json}. It is idempotent.
 *
 * <p>All methods run on the caller's thread and print progress to the given stream. Calls for the
 * same run dir from different processes are serialised by a file lock ({@code <runDir>/.lock}).
 */
public final class LocalCluster {

    /** System property: seconds each process may take to become ready (default 60). */
    public static final String TIMEOUT_PROPERTY = "flowmesh.local.start-timeout-seconds";

    private static final int TAIL_LINES = 30;
    private static final String BUILD_HINT = "./mvnw -DskipTests package";

    private LocalCluster() {
    }

    /**
     * Starts a cluster, or returns the one already running in {@code o.runDir()}.
     *
     * @throws LocalClusterException a build output is missing, a port is in use, the cluster in
     *     this run dir is only partly running, or a process did not start
     */
    public static LocalClusterState up(LocalClusterOptions o, PrintStream progress) throws LocalClusterException {
        Path runDir = o.runDir();
        try {
            Files.createDirectories(runDir.resolve("logs"));
        } catch (IOException e) {
            throw new LocalClusterException("cannot create the run dir " + runDir + ": " + e.getMessage(), e);
        }
        try (RunDirLock ignored = RunDirLock.acquire(runDir)) {
            Optional<LocalClusterState> existing = readState(runDir);
            if (existing.isPresent()) {
                LocalClusterState state = existing.get();
                List<ManagedProcess> dead = state.deadProcesses();
                if (!state.processes().isEmpty() && dead.isEmpty()) {
                    progress.println("A local cluster is already running in " + runDir + ".");
                    describe(state, progress);
                    return state;
                }
                if (dead.size() < state.processes().size()) {
                    throw new LocalClusterException("the local cluster in " + runDir + " is only partly running"
                            + " (not running: " + dead.stream().map(ManagedProcess::role).collect(Collectors.joining(", "))
                            + "); stop it with `flowmesh local down` and start it again (logs: " + state.logsDir() + ")");
                }
                Files.deleteIfExists(LocalClusterState.file(runDir));
            }
            checkBuildOutputs(o);
            checkPorts(o);
            return new Start(o, progress).run();
        } catch (IOException e) {
            throw new LocalClusterException("cannot use the run dir " + runDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cluster recorded in {@code <runDir>/cluster.json}, if at least one of its processes is
     * still alive ({@link LocalClusterState#deadProcesses()} tells which are not). Empty when there
     * is no state file, it cannot be read, or every recorded process is gone.
     */
    public static Optional<LocalClusterState> status(Path runDir) {
        Optional<LocalClusterState> state = readState(runDir.toAbsolutePath().normalize());
        return state.filter(s -> s.deadProcesses().size() < s.processes().size());
    }

    /** Stops the cluster recorded in {@code runDir} (see the class comment); does nothing if there is none. */
    public static void down(Path runDir, PrintStream progress) {
        Path dir = runDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(LocalClusterState.file(dir))) {
            progress.println("No local cluster is recorded in " + dir + "; nothing to stop.");
            return;
        }
        try (RunDirLock ignored = RunDirLock.acquire(dir)) {
            Optional<LocalClusterState> state;
            try {
                state = LocalClusterState.read(dir);
            } catch (IOException e) {
                progress.println("Cannot read " + LocalClusterState.file(dir) + ": " + e.getMessage()
                        + "; stop its processes by hand (their command lines contain " + Processes.marker(dir) + ").");
                return;
            }
            if (state.isEmpty()) {
                progress.println("No local cluster is recorded in " + dir + "; nothing to stop.");
                return;
            }
            progress.println("Stopping the local cluster in " + dir + " ...");
            stopAll(state.get(), progress);
            Files.deleteIfExists(LocalClusterState.file(dir));
            progress.println("Stopped. Logs are kept in " + state.get().logsDir() + ".");
        } catch (IOException e) {
            progress.println("Could not finish stopping the cluster in " + dir + ": " + e.getMessage());
        }
    }

    /**
     * With high availability ({@code local up --ha}): the role of the process that leads
     * {@code component} ({@code jobmanager}, {@code coordinator} or {@code dispatcher}) now, as its lease in the local
     * S3 server names it; empty when nobody leads or the cluster runs without HA.
     */
    public static Optional<String> leaderRole(LocalClusterState state, String component) {
        Path lease = S3Server.dir(state.runDir()).resolve("data").resolve(state.bucket())
                .resolve("ha/default/default/leader").resolve(component).resolve("lease");
        try {
            if (!Files.isRegularFile(lease)) {
                return Optional.empty();
            }
            java.util.Properties p = new java.util.Properties();
            try (var in = Files.newBufferedReader(lease)) {
                p.load(in);
            }
            String address = p.getProperty("holder", "").isEmpty() ? "" : p.getProperty("address", "");
            return state.processes().stream().filter(m -> !address.isEmpty() && m.address(ManagedProcess.GRPC).orElse("").equals(address))
                    .map(ManagedProcess::role).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts the service of {@code role} again (for example {@code taskmanager-2} after a
     * {@code kill -9}), with the same command line, ports and id as {@code up} gave it, and waits
     * until it is ready; records its new PID. {@code o} must be the options the cluster was started with.
     * Role {@code s3} restarts the S3 server with its command, configuration and data directory of
     * {@code up} (objects written before stay), ready when it answers HTTP. Kafka cannot be restarted.
     *
     * @throws LocalClusterException when no cluster runs there, the role is unknown or still
     *     running, or the process does not become ready
     */
    public static ManagedProcess restartService(LocalClusterOptions o, String role, PrintStream progress) throws LocalClusterException {
        Path runDir = o.runDir();
        try (RunDirLock ignored = RunDirLock.acquire(runDir)) {
            LocalClusterState state = readState(runDir).orElseThrow(() -> new LocalClusterException("no local cluster is recorded in " + runDir));
            ManagedProcess old = state.process(role).orElseThrow(() -> new LocalClusterException("the local cluster in " + runDir
                    + " has no process " + role));
            if (state.isAlive(old)) {
                throw new LocalClusterException(role + " (pid " + old.pid() + ") is still running");
            }
            List<String> command;
            String condition;
            Readiness.Probe probe;
            if (role.equals("s3")) {
                command = S3Server.serverCommand(Processes.javaBinary(), o.home(), runDir);
                condition = "an HTTP answer from " + state.s3Endpoint();
                probe = Readiness.httpAnswers(state.s3Endpoint() + "/", List.of());
            } else {
                Services.Service service = Services.plan(o, Processes.javaBinary()).stream().filter(s -> s.role().equals(role))
                        .findFirst().orElseThrow(() -> new LocalClusterException(role
                                + " is not a service of the local cluster (only services and s3 can be restarted)"));
                command = service.command();
                condition = "GET " + service.healthUrl() + " = 200";
                probe = Readiness.httpAnswers(service.healthUrl(), List.of(200));
            }
            Path log = state.logsDir().resolve(role + ".log");
            progress.print("Starting " + role + " again ... ");
            progress.flush();
            Process process = Processes.spawn(command, runDir, log);
            ManagedProcess started = new ManagedProcess(role, process.pid(), old.addresses(), log);
            state.withReplaced(started).write();
            try {
                double seconds = Readiness.await(process, startTimeout(), condition, probe);
                progress.printf("ready in %.1f s (pid %d)%n", seconds, process.pid());
            } catch (Readiness.NotReady e) {
                throw new LocalClusterException(role + " did not become ready again: " + e.getMessage() + " (log: " + log + ")");
            }
            return started;
        } catch (IOException e) {
            throw new LocalClusterException("cannot restart " + role + " in " + runDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops the cluster when this JVM exits (a shutdown hook that calls {@link #down}); for tests.
     * Returns the hook, so that a caller can remove it.
     */
    public static Thread stopOnExit(LocalClusterState state) {
        Thread hook = new Thread(() -> down(state.runDir(), System.err), "flowmesh-local-cluster-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Prints the cluster's addresses, one per line, for people. */
    public static void describe(LocalClusterState state, PrintStream out) {
        Map<String, String> lines = new LinkedHashMap<>();
        state.process("dispatcher").ifPresent(p -> {
            lines.put("Dispatcher (gRPC)", state.dispatcherAddress());
            lines.put("REST / Web UI", p.address(ManagedProcess.HTTP).orElse("-"));
        });
        state.process("dispatcher-2").ifPresent(p -> lines.put("Dispatcher 2 (HA; gRPC, REST / Web UI)",
                p.address(ManagedProcess.GRPC).orElse("-") + ", " + p.address(ManagedProcess.HTTP).orElse("-")));
        state.process("jobmanager").ifPresent(p -> lines.put("JobManager", p.address(ManagedProcess.HTTP).orElse("-")));
        state.process("jobmanager-2").ifPresent(p -> lines.put("JobManager 2 (HA)", p.address(ManagedProcess.HTTP).orElse("-")));
        state.process("coordinator").ifPresent(p ->
                lines.put("Checkpoint coordinator", p.address(ManagedProcess.HTTP).orElse("-")));
        state.process("coordinator-2").ifPresent(p -> lines.put("Checkpoint coordinator 2 (HA)", p.address(ManagedProcess.HTTP).orElse("-")));
        List<String> taskManagers = state.processes().stream().filter(p -> p.role().startsWith("taskmanager-"))
                .map(p -> p.role() + " " + p.address(ManagedProcess.HTTP).orElse("-")
                        + p.address(ManagedProcess.DATA).map(d -> " (data " + d + ")").orElse(""))
                .toList();
        if (!taskManagers.isEmpty()) {
            lines.put("TaskManagers", String.join(", ", taskManagers));
        }
        lines.put("Kafka bootstrap", state.kafkaBootstrap());
        lines.put("S3 endpoint", state.s3Endpoint() + " (bucket " + state.bucket() + ", access key "
                + state.s3AccessKey() + ", secret key " + state.s3SecretKey() + ")");
        lines.put("Run dir", state.runDir().toString());
        lines.put("Logs", state.logsDir().toString());
        int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0) + 1;
        lines.forEach((k, v) -> out.println("  " + String.format("%-" + width + "s", k + ":") + " " + v));
    }

    private static Optional<LocalClusterState> readState(Path runDir) {
        try {
            return LocalClusterState.read(runDir);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void stopAll(LocalClusterState state, PrintStream progress) {
        List<ManagedProcess> reversed = new ArrayList<>(state.processes());
        Collections.reverse(reversed);
        for (ManagedProcess p : reversed) {
            Processes.stop(p, state.runDir(), progress);
        }
    }

    private static void checkBuildOutputs(LocalClusterOptions o) throws LocalClusterException {
        Map<Path, String> required = new LinkedHashMap<>();
        required.put(KafkaBroker.libDir(o.home()), "the Kafka broker's class path");
        required.put(S3Server.libDir(o.home()), "the S3 server's class path");
        if (o.startServices()) {
            for (String module : Services.modules()) {
                required.put(Services.runnerJar(o.home(), module), "the " + module + " service");
            }
        }
        List<String> missing = new ArrayList<>();
        required.forEach((path, what) -> {
            boolean present = path.toString().endsWith(".jar") ? Files.isRegularFile(path) : hasJars(path);
            if (!present) {
                missing.add(path + " (" + what + ")");
            }
        });
        if (!missing.isEmpty()) {
            throw new LocalClusterException("missing build output: " + String.join(", ", missing)
                    + ". Build Flowmesh first: " + BUILD_HINT + " (in " + o.home() + ")");
        }
    }

    private static boolean hasJars(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".jar"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkPorts(LocalClusterOptions o) throws LocalClusterException {
        Map<Integer, String> seen = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Integer> e : o.ports().entrySet()) {
            String option = e.getKey();
            int port = e.getValue();
            String other = seen.putIfAbsent(port, option);
            if (other != null) {
                problems.add("port " + port + " is given twice (" + other + " and " + option + ")");
            } else if (inUse(port)) {
                problems.add("port " + port + " is already in use (option " + option + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new LocalClusterException(String.join("; ", problems)
                    + ". Stop what listens there, or choose other ports with the options named.");
        }
    }

    private static boolean inUse(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static Duration startTimeout() {
        return Duration.ofSeconds(Long.getLong(TIMEOUT_PROPERTY, 60));
    }

    /**
     * One run of {@code up}: owns the growing state, writes it after each spawn, and undoes
     * everything when a step fails or the JVM is stopped half-way.
     */
    private static final class Start {
        private final LocalClusterOptions o;
        private final PrintStream progress;
        private final String java = Processes.javaBinary();
        private final Thread abortHook;
        private volatile LocalClusterState state;
        private final Set<Long> stopped = ConcurrentHashMap.newKeySet();

        Start(LocalClusterOptions o, PrintStream progress) {
            this.o = o;
            this.progress = progress;
            this.state = new LocalClusterState(o.runDir(), List.of(), "127.0.0.1:" + o.dispatcherPort(),
                    "127.0.0.1:" + o.kafkaPort(), "http://127.0.0.1:" + o.s3Port(), S3Server.ACCESS_KEY,
                    S3Server.SECRET_KEY, S3Server.BUCKET, Instant.now());
            this.abortHook = new Thread(() -> {
                System.err.println("Interrupted: stopping what was started ...");
                stopStarted(System.err);
                try {
                    Files.deleteIfExists(LocalClusterState.file(o.runDir()));
                } catch (IOException e) {
                    // a stale state file is recognised as such by the next up
                }
            }, "flowmesh-local-cluster-abort");
        }

        LocalClusterState run() throws LocalClusterException, IOException {
            Path runDir = o.runDir();
            progress.println("Starting a local Flowmesh cluster in " + runDir + " ...");
            deleteRecursively(KafkaBroker.dir(runDir));
            deleteRecursively(S3Server.dir(runDir));
            try (Stream<Path> logs = Files.list(state.logsDir())) {
                for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                    Files.delete(log);
                }
            }
            state.write();
            Runtime.getRuntime().addShutdownHook(abortHook);
            try {
                startKafka();
                startS3();
                if (o.startServices()) {
                    for (Services.Service s : Services.plan(o, java)) {
                        start(s.role(), s.command(), s.addresses(), startTimeout(), "GET " + s.healthUrl() + " = 200",
                                Readiness.httpAnswers(s.healthUrl(), List.of(200)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw failure("launcher", null, "failed: " + e);
            } finally {
                removeAbortHook();
            }
            progress.println("The local cluster is up.");
            describe(state, progress);
            return state;
        }

        private void startKafka() throws LocalClusterException, IOException {
            Path log = log("kafka");
            KafkaBroker.writeConfig(o);
            progress.print("Formatting Kafka's storage ... ");
            progress.flush();
            Process format = Processes.spawn(KafkaBroker.formatCommand(java, o.home(), o.runDir()), o.runDir(), log);
            try {
                if (!format.waitFor(startTimeout().toSeconds(), TimeUnit.SECONDS)) {
                    format.destroyForcibly();
                    throw failure("kafka", log, "storage format did not finish within " + startTimeout().toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                format.destroyForcibly();
                throw failure("kafka", log, "interrupted while formatting its storage");
            }
            if (format.exitValue() != 0) {
                throw failure("kafka", log, "storage format exited with code " + format.exitValue());
            }
            progress.println("done");
            start("kafka", KafkaBroker.serverCommand(java, o.home(), o.runDir()),
                    orderedMap(ManagedProcess.KAFKA, "127.0.0.1:" + o.kafkaPort(),
                            ManagedProcess.CONTROLLER, "127.0.0.1:" + o.kafkaControllerPort()),
                    startTimeout(), "the log line \"" + KafkaBroker.READY_LINE + "\"",
                    Readiness.logContains(log, KafkaBroker.READY_LINE));
        }

        private void startS3() throws LocalClusterException, IOException {
            S3Server.writeConfig(o);
            String endpoint = state.s3Endpoint();
            start("s3", S3Server.serverCommand(java, o.home(), o.runDir()),
                    Map.of(ManagedProcess.S3, "127.0.0.1:" + o.s3Port()), startTimeout(),
                    "an HTTP answer from " + endpoint, Readiness.httpAnswers(endpoint + "/", List.of()));
            try {
                int status = S3Server.createBucket(endpoint, S3Server.BUCKET);
                if (status != 200 && status != 409) {
                    progress.println("  warning: creating bucket " + S3Server.BUCKET + " answered HTTP " + status
                            + "; the services create it when they need it");
                }
            } catch (IOException e) {
                progress.println("  warning: cannot create bucket " + S3Server.BUCKET + ": " + e.getMessage()
                        + "; the services create it when they need it");
            }
        }

        /** Spawns one process, records it, and waits until it is ready. */
        private void start(String role, List<String> command, Map<String, String> addresses, Duration timeout,
                String condition, Readiness.Probe probe) throws LocalClusterException {
            Path log = log(role);
            progress.print("Starting " + role + " ... ");
            progress.flush();
            Process process;
            try {
                process = Processes.spawn(command, o.runDir(), log);
                state = state.withProcess(new ManagedProcess(role, process.pid(), addresses, log));
                state.write();
            } catch (IOException e) {
                throw failure(role, log, "could not be started: " + e.getMessage());
            }
            try {
                double seconds = Readiness.await(process, timeout, condition, probe);
                progress.printf("ready in %.1f s (pid %d, %s)%n", seconds, process.pid(),
                        String.join(", ", addresses.values()));
            } catch (Readiness.NotReady e) {
                throw failure(role, log, e.getMessage());
            }
        }

        /** Reports a failed step, stops what was started and returns the exception to throw. */
        private LocalClusterException failure(String role, Path log, String why) {
            progress.println("failed");
            if (log != null) {
                progress.println(role + " " + why + ". Last lines of " + log + ":");
                for (String line : Readiness.tail(log, TAIL_LINES)) {
                    progress.println("  | " + line);
                }
            }
            progress.println("Stopping what was started ...");
            stopStarted(progress);
            try {
                Files.deleteIfExists(LocalClusterState.file(o.runDir()));
            } catch (IOException e) {
                progress.println("  cannot delete " + LocalClusterState.file(o.runDir()) + ": " + e.getMessage());
            }
            removeAbortHook();
            return new LocalClusterException(role + " " + why + (log == null ? "" : " (log: " + log + ")"));
        }

        /** Stops what this start spawned, newest first; once, whether the failure path or the JVM's exit asks. */
        private synchronized void stopStarted(PrintStream out) {
            List<ManagedProcess> reversed = new ArrayList<>(state.processes());
            Collections.reverse(reversed);
            for (ManagedProcess p : reversed) {
                if (stopped.add(p.pid())) {
                    Processes.stop(p, state.runDir(), out);
                }
            }
        }

        private Path log(String role) {
            return state.logsDir().resolve(role + ".log");
        }

        private void removeAbortHook() {
            try {
                Runtime.getRuntime().removeShutdownHook(abortHook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the JVM is shutting down (the hook runs) or the hook was removed already
            }
        }
    }

    private static Map<String, String> orderedMap(String k1, String v1, String k2, String v2) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** An exclusive lock on {@code <runDir>/.lock}, so that two CLIs do not start or stop one cluster at once. */
    private static final class RunDirLock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private RunDirLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static RunDirLock acquire(Path runDir) throws IOException {
            FileChannel channel = FileChannel.open(runDir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            try {
                return new RunDirLock(channel, channel.lock());
            } catch (OverlappingFileLockException e) {
                // this JVM holds it already (e.g. a shutdown hook during up): go on without
                return new RunDirLock(channel, null);
            }
        }

        @Override
        public void close() throws IOException {
            if (lock != null) {
                lock.release();
            }
            channel.close();
        }
    }
}
