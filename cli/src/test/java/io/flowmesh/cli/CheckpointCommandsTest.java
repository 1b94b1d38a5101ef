package io.flowmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowmesh.proto.CheckpointHistory;
import io.flowmesh.proto.CheckpointStats;
import io.flowmesh.proto.CheckpointStatus;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.SavepointStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flowmesh savepoint}, {@code stop}, {@code checkpoints} and {@code run -s/-n} without a
 * cluster: parsing and usage errors, an unreachable dispatcher, the savepoint wait loop on a scripted
 * status sequence and a fake clock, and the checkpoint table and JSON.
 */
class CheckpointCommandsTest {

    private static final String JOB = "3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a";

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return FlowmeshCli.execute(new CliEnvironment(Map.of(), home), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The command object picocli filled for {@code args} (parsed, not run). */
    @SuppressWarnings("unchecked")
    private <T> T parse(String... args) {
        CommandLine cl = new CommandLine(new FlowmeshCli(new CliEnvironment(Map.of(), home), System.out, System.err));
        cl.getSubcommands().get("run").setStopAtPositional(true);
        List<CommandLine> parsed = cl.parseArgs(args).asCommandLineList();
        return (T) parsed.get(parsed.size() - 1).getCommand();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    @Test
    void savepointTakesAJobIdAndAnOptionalTargetDirectory() {
        SavepointCommand bare = parse("savepoint", JOB);
        assertEquals(JOB, bare.jobId);
        assertEquals(null, bare.targetDirectory);
        assertFalse(bare.detached);
        assertEquals(Duration.ofMinutes(10), bare.timeout);

        SavepointCommand full = parse("savepoint", "--detached", "--timeout", "90 s", JOB, "s3://flowmesh/sp");
        assertEquals("s3://flowmesh/sp", full.targetDirectory);
        assertTrue(full.detached);
        assertEquals(Duration.ofSeconds(90), full.timeout);
        // Flink's single-dash spelling
        assertTrue(((SavepointCommand) parse("savepoint", "-detached", JOB)).detached);
    }

    @Test
    void stopHasFlinksSavepointPathAndDrainOptions() {
        StopCommand bare = parse("stop", JOB);
        assertEquals(JOB, bare.jobId);
        assertEquals(null, bare.savepointPath);
        assertFalse(bare.drain);
        StopCommand shortNames = parse("stop", "-p", "s3://flowmesh/sp", "-d", JOB);
        assertEquals("s3://flowmesh/sp", shortNames.savepointPath);
        assertTrue(shortNames.drain);
        StopCommand longNames = parse("stop", "--savepointPath", "s3://b/p", "--drain", "--timeout", "2 min", JOB);
        assertEquals("s3://b/p", longNames.savepointPath);
        assertTrue(longNames.drain);
        assertEquals(Duration.ofMinutes(2), longNames.timeout);
    }

    @Test
    void runHasFlinksFromSavepointAndAllowNonRestoredStateOptions() {
        RunCommand plain = parse("run", "job.jar");
        assertEquals(null, plain.fromSavepoint);
        assertFalse(plain.allowNonRestoredState);
        RunCommand shortNames = parse("run", "-s", "s3://flowmesh/sp/savepoint-3f0c8e-7", "-n", "job.jar", "-s", "x");
        assertEquals("s3://flowmesh/sp/savepoint-3f0c8e-7", shortNames.fromSavepoint);
        assertTrue(shortNames.allowNonRestoredState);
        // after the jar, -s belongs to the job's main
        assertEquals(List.of("-s", "x"), shortNames.args);
        RunCommand longNames = parse("run", "--fromSavepoint", "s3://b/chk-3", "--allowNonRestoredState", "job.jar");
        assertEquals("s3://b/chk-3", longNames.fromSavepoint);
        assertTrue(longNames.allowNonRestoredState);
    }

    @Test
    void usageErrorsExitWith2AndNameTheProblem() {
        assertEquals(2, run("savepoint"));
        assertTrue(err().startsWith("Missing required parameter: '<job-id>'"), err());
        assertEquals(2, run("savepoint", JOB, "s3://a", "s3://b"));
        assertTrue(err().startsWith("Unmatched argument at index 3: 's3://b'"), err());
        assertEquals(2, run("savepoint", "--timeout", "soon", JOB));
        assertTrue(err().startsWith("Invalid value for option '--timeout': 'soon' is not a duration (e.g. 30 s, 10 min, 1 h)"), err());
        assertEquals(2, run("savepoint", "--timeout", "0 s", JOB));
        assertTrue(err().startsWith("Invalid value for option '--timeout': '0 s' is not a positive duration"), err());
        assertEquals(2, run("savepoint", "--timeout", "5 weeks", JOB));
        assertTrue(err().startsWith("Invalid value for option '--timeout': '5 weeks' has an unknown time unit 'weeks' (ms, s, min, h, d)"), err());
        assertEquals(2, run("stop"));
        assertTrue(err().startsWith("Missing required parameter: '<job-id>'"), err());
        assertEquals(2, run("stop", JOB, "-p"));
        assertTrue(err().startsWith("Missing required parameter for option '--savepointPath' (<savepointPath>)"), err());
        assertEquals(2, run("checkpoints"));
        assertTrue(err().startsWith("Missing required parameter: '<job-id>'"), err());
        assertEquals(2, run("checkpoints", "--yaml", JOB));
        assertTrue(err().startsWith("Unknown option: '--yaml'"), err());
        // -s swallows the jar: the jar is missing
        assertEquals(2, run("run", "-s", "job.jar"));
        assertTrue(err().startsWith("Missing required parameter: '<jar>'"), err());
        assertEquals(2, run("run", "-s", " ", "job.jar"));
        assertEquals("Error: -s/--fromSavepoint needs a savepoint path, was empty\n", err());
    }

    @Test
    void helpNamesTheOptionsAsFlinkDoes() {
        assertEquals(0, run("run", "--help"));
        assertTrue(out().contains("-s, --fromSavepoint=<savepointPath>"), out());
        assertTrue(out().contains("-n, --allowNonRestoredState"), out());
        assertEquals(0, run("stop", "--help"));
        assertTrue(out().contains("-p, --savepointPath=<savepointPath>"), out());
        assertTrue(out().contains("-d, --drain"), out());
        assertTrue(out().contains("Default: 10 min"), out());
        assertEquals(0, run("savepoint", "--help"));
        assertTrue(out().contains("[<targetDirectory>]"), out());
        assertTrue(out().contains("--detached"), out());
        assertEquals(0, run("--help"));
        assertTrue(out().contains("savepoint") && out().contains("checkpoints") && out().contains("stop"), out());
    }

    @Test
    void anUnreachableDispatcherIsOneLineNamingTheOperation() throws IOException {
        String dispatcher = "127.0.0.1:" + closedPort();
        assertEquals(1, run("savepoint", "--dispatcher", dispatcher, JOB));
        assertEquals("Triggering savepoint for job " + JOB + ".\n", out());
        assertTrue(err().startsWith("Error: could not trigger a savepoint of job " + JOB + ": cannot reach the dispatcher at " + dispatcher),
                err());
        assertEquals(1, err().strip().lines().count(), err());

        assertEquals(1, run("stop", "--dispatcher", dispatcher, "--drain", JOB));
        assertEquals("Draining job \"" + JOB + "\" with a savepoint.\n", out());
        assertTrue(err().startsWith("Error: could not stop job " + JOB + ": cannot reach the dispatcher at " + dispatcher), err());

        assertEquals(1, run("stop", "--dispatcher", dispatcher, JOB));
        assertEquals("Suspending job \"" + JOB + "\" with a savepoint.\n", out());

        assertEquals(1, run("checkpoints", "--dispatcher", dispatcher, JOB));
        assertTrue(err().startsWith("Error: could not list the checkpoints of job " + JOB + ": cannot reach the dispatcher at " + dispatcher),
                err());
    }

    @Test
    void runWithAllowNonRestoredStateButNoSavepointWarns() throws IOException {
        Path jar = Files.write(home.resolve("job.jar"), new byte[] {'P', 'K', 3, 4});
        String dispatcher = "127.0.0.1:" + closedPort();
        assertEquals(1, run("run", "--dispatcher", dispatcher, "-n", jar.toString()));
        assertTrue(err().startsWith("Warning: -n/--allowNonRestoredState has no effect without -s/--fromSavepoint.\n"
                + "Error: could not upload job.jar: cannot reach the dispatcher at " + dispatcher), err());
    }

    /** A clock that only moves when the waiter sleeps. */
    private static final class FakeTime {
        long nanos = 1_000_000_000L;
        final List<Long> sleeps = new ArrayList<>();

        SavepointWaiter waiter() {
            return new SavepointWaiter(() -> nanos, millis -> {
                sleeps.add(millis);
                nanos += millis * 1_000_000L;
            });
        }
    }

    private static SavepointStatus status(CheckpointStatus s, String location, String cause) {
        return SavepointStatus.newBuilder().setStatus(s).setLocation(location).setFailureCause(cause).build();
    }

    @Test
    void theWaiterPollsUntilCompletedAndReturnsThePath() {
        Deque<SavepointStatus> script = new ArrayDeque<>(List.of(
                status(CheckpointStatus.CHECKPOINT_IN_PROGRESS, "", ""),
                status(CheckpointStatus.CHECKPOINT_STATUS_UNSPECIFIED, "", ""),
                status(CheckpointStatus.CHECKPOINT_COMPLETED, "s3://flowmesh/sp/savepoint-3f0c8e-7", "")));
        FakeTime time = new FakeTime();
        String path = time.waiter().await(script::removeFirst, Duration.ofMinutes(10), "savepoint 7 of job j", "s3://announced");
        assertEquals("s3://flowmesh/sp/savepoint-3f0c8e-7", path);
        assertEquals(List.of(500L, 500L), time.sleeps);
        assertTrue(script.isEmpty());
        // no location in the answer: the one announced at the trigger
        assertEquals("s3://announced", new FakeTime().waiter().await(() -> status(CheckpointStatus.CHECKPOINT_COMPLETED, "", ""),
                Duration.ofSeconds(1), "savepoint 7 of job j", "s3://announced"));
    }

    @Test
    void theWaiterFailsWithTheCause() {
        Deque<SavepointStatus> script = new ArrayDeque<>(List.of(
                status(CheckpointStatus.CHECKPOINT_IN_PROGRESS, "", ""),
                status(CheckpointStatus.CHECKPOINT_FAILED, "", "  subtask Map (2/2) declined: state too large\n")));
        CliException e = assertThrows(CliException.class, () -> new FakeTime().waiter().await(script::removeFirst,
                Duration.ofMinutes(10), "savepoint 7 of job j", "s3://sp"));
        assertEquals("savepoint 7 of job j failed: subtask Map (2/2) declined: state too large", e.getMessage());
        assertEquals(1, e.exitCode());
        CliException noCause = assertThrows(CliException.class, () -> new FakeTime().waiter().await(
                () -> status(CheckpointStatus.CHECKPOINT_FAILED, "", ""), Duration.ofMinutes(10), "savepoint 7 of job j", "s3://sp"));
        assertEquals("savepoint 7 of job j failed: no cause given", noCause.getMessage());
    }

    @Test
    void theWaiterGivesUpAtTheTimeoutNamingWhereTheSavepointMayStillAppear() {
        FakeTime time = new FakeTime();
        int[] polls = {0};
        CliException e = assertThrows(CliException.class, () -> time.waiter().await(() -> {
            polls[0]++;
            return status(CheckpointStatus.CHECKPOINT_IN_PROGRESS, "", "");
        }, Duration.ofMillis(1200), "savepoint 7 of job j", "s3://flowmesh/sp/savepoint-3f0c8e-7"));
        assertEquals("savepoint 7 of job j did not complete within 1200 ms; it may still complete at s3://flowmesh/sp/savepoint-3f0c8e-7",
                e.getMessage());
        // polls at 0, 500, 1000 and 1500 ms: the last one after the deadline
        assertEquals(4, polls[0]);
        assertEquals(List.of(500L, 500L, 500L), time.sleeps);
        assertEquals("10 min", Formats.timeout(Duration.ofMinutes(10)));
        assertEquals("90 s", Formats.timeout(Duration.ofSeconds(90)));
    }

    private static CheckpointHistory history() {
        long t0 = Instant.parse("2025-03-04T05:06:07Z").toEpochMilli();
        return CheckpointHistory.newBuilder().setJobId(JOB).setCompleted(2).setFailed(1).setInProgress(1).setLatestCompletedId(3)
                .addCheckpoints(CheckpointStats.newBuilder().setCheckpointId(4).setType(CheckpointType.CHECKPOINT)
                        .setStatus(CheckpointStatus.CHECKPOINT_IN_PROGRESS).setTriggerTimestampMs(t0 + 30_000).setDurationMs(1_300)
                        .setLocation("s3://flowmesh/checkpoints/" + JOB + "/chk-4").setAcknowledgedSubtasks(2).setTotalSubtasks(4))
                .addCheckpoints(CheckpointStats.newBuilder().setCheckpointId(3).setType(CheckpointType.SAVEPOINT)
                        .setStatus(CheckpointStatus.CHECKPOINT_COMPLETED).setTriggerTimestampMs(t0 + 20_000).setDurationMs(850)
                        .setStateSizeBytes(1536).setLocation("s3://flowmesh/savepoints/savepoint-3f0c8e-3")
                        .setAcknowledgedSubtasks(4).setTotalSubtasks(4))
                .addCheckpoints(CheckpointStats.newBuilder().setCheckpointId(2).setType(CheckpointType.CHECKPOINT)
                        .setStatus(CheckpointStatus.CHECKPOINT_FAILED).setTriggerTimestampMs(t0 + 10_000).setDurationMs(600_000)
                        .setLocation("s3://flowmesh/checkpoints/" + JOB + "/chk-2").setAcknowledgedSubtasks(3).setTotalSubtasks(4)
                        .setFailureCause("checkpoint 2 expired after 10 min\n\tat somewhere"))
                .addCheckpoints(CheckpointStats.newBuilder().setCheckpointId(1).setType(CheckpointType.CHECKPOINT)
                        .setStatus(CheckpointStatus.CHECKPOINT_COMPLETED).setTriggerTimestampMs(t0).setDurationMs(12)
                        .setStateSizeBytes(0).setLocation("s3://flowmesh/checkpoints/" + JOB + "/chk-1")
                        .setAcknowledgedSubtasks(4).setTotalSubtasks(4))
                .build();
    }

    @Test
    void theCheckpointTableHasOneRowPerCheckpointAndTheCounts() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Formats.printCheckpoints(history(), new PrintStream(bytes, true, StandardCharsets.UTF_8), ZoneOffset.UTC);
        String c = "s3://flowmesh/checkpoints/" + JOB;
        assertEquals(String.join("\n",
                "Job " + JOB + ": 2 completed, 1 failed, 1 in progress; latest completed: 3",
                "ID  TYPE        STATUS       TRIGGER TIME         DURATION    SIZE    ACKED  PATH",
                "4   CHECKPOINT  IN_PROGRESS  2025-03-04 05:06:37  1.3 s       -       2/4    " + c + "/chk-4",
                "3   SAVEPOINT   COMPLETED    2025-03-04 05:06:27  850 ms      1.5 KB  4/4    s3://flowmesh/savepoints/savepoint-3f0c8e-3",
                "2   CHECKPOINT  FAILED       2025-03-04 05:06:17  10 min 0 s  -       3/4    " + c + "/chk-2",
                "1   CHECKPOINT  COMPLETED    2025-03-04 05:06:07  12 ms       0 B     4/4    " + c + "/chk-1",
                "Failure causes:",
                "  2: checkpoint 2 expired after 10 min", ""), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anEmptyHistorySaysSo() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Formats.printCheckpoints(CheckpointHistory.newBuilder().setJobId(JOB).build(), new PrintStream(bytes, true, StandardCharsets.UTF_8),
                ZoneOffset.UTC);
        assertEquals("Job " + JOB + ": 0 completed, 0 failed, 0 in progress; latest completed: none\n"
                + "No checkpoints of job " + JOB + ".\n", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theJsonUsesFlinksRestFieldNames() throws IOException {
        JsonNode root = new ObjectMapper().readTree(Formats.checkpointsJson(history()));
        assertEquals(JOB, root.get("job_id").asText());
        assertEquals(2, root.get("counts").get("completed").asLong());
        assertEquals(1, root.get("counts").get("failed").asLong());
        assertEquals(1, root.get("counts").get("in_progress").asLong());
        assertEquals(4, root.get("counts").get("total").asLong());
        assertEquals(3, root.get("latest_completed_id").asLong());
        JsonNode sp = root.get("history").get(1);
        assertEquals(3, sp.get("id").asLong());
        assertEquals("SAVEPOINT", sp.get("checkpoint_type").asText());
        assertEquals("COMPLETED", sp.get("status").asText());
        assertTrue(sp.get("is_savepoint").asBoolean());
        assertEquals(Instant.parse("2025-03-04T05:06:27Z").toEpochMilli(), sp.get("trigger_timestamp").asLong());
        assertEquals(850, sp.get("end_to_end_duration").asLong());
        assertEquals(1536, sp.get("state_size").asLong());
        assertEquals(4, sp.get("num_acknowledged_subtasks").asLong());
        assertEquals(4, sp.get("num_subtasks").asLong());
        assertEquals("s3://flowmesh/savepoints/savepoint-3f0c8e-3", sp.get("external_path").asText());
        assertFalse(sp.has("failure_message"));
        assertEquals("checkpoint 2 expired after 10 min\n\tat somewhere", root.get("history").get(2).get("failure_message").asText());
        assertFalse(root.get("history").get(0).get("is_savepoint").asBoolean());
        assertTrue(new ObjectMapper().readTree(Formats.checkpointsJson(CheckpointHistory.newBuilder().setJobId(JOB).build()))
                .get("latest_completed_id").isNull());
    }

    @Test
    void sizesAndDurationsReadAsInFlinksWebUi() {
        assertEquals("512 B", Formats.size(512));
        assertEquals("1.5 KB", Formats.size(1536));
        assertEquals("12.0 MB", Formats.size(12L * 1024 * 1024));
        assertEquals("2.0 GB", Formats.size(2L * 1024 * 1024 * 1024));
        assertEquals("999 ms", Formats.checkpointDuration(999));
        assertEquals("1.0 s", Formats.checkpointDuration(1000));
        assertEquals("2 min 5 s", Formats.checkpointDuration(125_000));
    }
}
