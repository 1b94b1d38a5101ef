package io.flowmesh.local;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Spawning and stopping the local cluster's processes, by PID.
 *
 * <p>Every process is a {@code java} command line that carries the marker
 * {@code -Dflowmesh.local.run-dir=<absolute run dir>}. Stopping checks the marker first, so a PID
 * that the OS has given to another program since is never signalled. Processes are started in a
 * session of their own ({@code setsid}, where it exists) with stdin from {@code /dev/null} and
 * stdout+stderr appended to their log, so they outlive the CLI that started them and are not hit
 * by a Ctrl-C in its terminal.
 */
final class Processes {

    static final String MARKER_PROPERTY = "flowmesh.local.run-dir";
    static final long STOP_TIMEOUT_SECONDS = 10;

    private static final Optional<String> SETSID = List.of("/usr/bin/setsid", "/bin/setsid").stream()
            .filter(p -> Files.isExecutable(Path.of(p))).findFirst();

    private Processes() {
    }

    /** The {@code -D} argument that marks a process as belonging to the cluster in {@code runDir}. */
    static String marker(Path runDir) {
        return "-D" + MARKER_PROPERTY + "=" + runDir.toAbsolutePath().normalize();
    }

    /** The java that runs this JVM, else {@code $JAVA_HOME/bin/java}, else {@code java} on the PATH. */
    static String javaBinary() {
        Optional<String> self = ProcessHandle.current().info().command()
                .filter(c -> Path.of(c).getFileName().toString().startsWith("java"));
        if (self.isPresent()) {
            return self.get();
        }
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && Files.isExecutable(Path.of(javaHome, "bin", "java"))) {
            return Path.of(javaHome, "bin", "java").toString();
        }
        return "java";
    }

    /**
     * Starts {@code command} in {@code workDir}, stdout and stderr to {@code log} (appended, so that
     * a role's earlier step, such as formatting Kafka's storage, stays above it).
     */
    static Process spawn(List<String> command, Path workDir, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        List<String> full = new ArrayList<>();
        SETSID.ifPresent(full::add);
        full.addAll(command);
        return new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Whether {@code pid} is alive and its command line carries the marker of {@code runDir}. */
    static boolean isClusterProcess(long pid, Path runDir) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isPresent() && handle.get().isAlive() && arguments(pid).contains(marker(runDir));
    }

    /** The process's command line, from {@code /proc} where there is one; empty if unknown. */
    static List<String> arguments(long pid) {
        Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
        try {
            if (Files.exists(cmdline)) {
                String raw = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
                return Arrays.asList(raw.split("\0"));
            }
        } catch (IOException e) {
            return List.of();
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().arguments()).map(Arrays::asList).orElse(List.of());
    }

    /**
     * Stops one recorded process and its descendants: SIGTERM, up to {@value #STOP_TIMEOUT_SECONDS}
     * s for it to exit, then SIGKILL. A PID that is not (or no longer) this cluster's is left alone.
     */
    static void stop(ManagedProcess process, Path runDir, PrintStream progress) {
        String what = process.role() + " (pid " + process.pid() + ")";
        Optional<ProcessHandle> found = ProcessHandle.of(process.pid()).filter(ProcessHandle::isAlive);
        if (found.isEmpty()) {
            progress.println("  " + what + " is not running");
            return;
        }
        if (!arguments(process.pid()).contains(marker(runDir))) {
            progress.println("  " + what + ": that PID now belongs to another program; left alone");
            return;
        }
        ProcessHandle handle = found.get();
        List<ProcessHandle> descendants = handle.descendants().toList();
        long start = System.nanoTime();
        boolean forced = terminate(handle);
        for (ProcessHandle child : descendants) {
            terminate(child);
        }
        progress.printf("  stopped %s%s in %.1f s%n", what, forced ? " (killed: it did not exit on SIGTERM)" : "",
                (System.nanoTime() - start) / 1e9);
    }

    /** SIGTERM, wait, SIGKILL; returns whether SIGKILL was needed. */
    private static boolean terminate(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        handle.destroy();
        if (awaitExit(handle, STOP_TIMEOUT_SECONDS)) {
            return false;
        }
        handle.destroyForcibly();
        awaitExit(handle, 5);
        return true;
    }

    private static boolean awaitExit(ProcessHandle handle, long seconds) {
        try {
            handle.onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return !handle.isAlive();
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }
}
