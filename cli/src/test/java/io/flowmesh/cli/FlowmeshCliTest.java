package io.flowmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.local.LocalClusterState;
import io.flowmesh.proto.ExecutionState;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobStatusChanged;
import io.flowmesh.proto.JobSummary;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.SubtaskDetails;
import io.flowmesh.proto.TaskStatusChanged;
import io.flowmesh.proto.VertexDetails;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI run in-process, its stdout and stderr captured. */
class FlowmeshCliTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return run(Map.of(), args);
    }

    private int run(Map<String, String> env, String... args) {
        out.reset();
        err.reset();
        return FlowmeshCli.execute(new CliEnvironment(env, home), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, run("list", "--no-such-option"));
        assertTrue(err().contains("Unknown option"), err());
        assertEquals(2, run());
        assertEquals(2, run("no-such-verb"));
        assertEquals(2, run("run"));
        assertEquals(2, run("local"));
        assertEquals(2, run("run", "-p", "x", "a.jar"));
    }

    @Test
    void everyVerbHasHelpWithAnExample() {
        for (String verb : List.of("run", "list", "info", "cancel", "savepoint", "stop", "checkpoints", "events", "watch", "overview",
                "demo")) {
            assertEquals(0, run(verb, "--help"), verb);
            assertTrue(out().contains("Example"), verb + ": " + out());
        }
        for (String verb : List.of("up", "down", "status")) {
            assertEquals(0, run("local", verb, "--help"), verb);
            assertTrue(out().contains("Example"), verb + ": " + out());
        }
        run("local", "up", "--help");
        assertTrue(out().contains("Default: 9092"), out());
        assertTrue(out().contains("--taskmanagers=<n>"), out());
    }

    @Test
    void everyOperatingVerbTakesOutputJsonAndDocumentsIt() {
        for (String verb : List.of("run", "list", "info", "cancel", "savepoint", "stop", "checkpoints", "events", "watch", "overview")) {
            assertEquals(0, run(verb, "--help"), verb);
            assertTrue(out().contains("-o, --output=<format>"), verb + ": " + out());
            assertTrue(out().contains("--json"), verb + ": " + out());
            assertTrue(out().contains("Output format: text, json."), verb + ": " + out());
        }
        for (String verb : List.of("up", "down", "status")) {
            assertEquals(0, run("local", verb, "--help"), verb);
            assertTrue(out().contains("-o, --output=<format>"), verb + ": " + out());
        }
        assertEquals(0, run("--help"));
        assertTrue(out().contains("Exit codes: 0 ok; 1 the job failed or the operation was refused; 2 usage error."), out());
        assertTrue(out().contains("FLOWMESH_TOKEN"), out());
    }

    @Test
    void outputFormatsAreParsedAndBadOnesAreUsageErrors() {
        assertEquals(2, run("list", "--output", "xml"));
        assertTrue(err().contains("Invalid value for option '--output'"), err());
        assertEquals(2, run("info", "-o"));
        // a dispatcher address that is not host:port is a usage error too
        assertEquals(2, run("list", "--dispatcher", "no-port-here"));
        assertEquals("Error: invalid dispatcher address 'no-port-here': expected host:port\n", err());
    }

    @Test
    void jsonOutputKeepsStdoutCleanWhenTheDispatcherIsUnreachable() throws IOException {
        int port = closedPort();
        for (String[] args : List.of(new String[] {"list", "-o", "json"}, new String[] {"info", "--json", "j1"},
                new String[] {"cancel", "-o", "json", "j1"}, new String[] {"overview", "--output", "json"},
                new String[] {"watch", "-o", "json", "j1"}, new String[] {"events", "--json"})) {
            String[] full = new String[args.length + 2];
            System.arraycopy(args, 0, full, 0, args.length);
            full[args.length] = "--dispatcher";
            full[args.length + 1] = "127.0.0.1:" + port;
            assertEquals(1, run(full), List.of(args).toString());
            assertEquals("", out(), List.of(args).toString());
            assertTrue(err().startsWith("Error: could not ") && err().contains("cannot reach the dispatcher at 127.0.0.1:" + port), err());
            assertEquals(1, err().strip().lines().count(), err());
        }
    }

    @Test
    void protobufJsonUsesTheMappingsNamesAndPrintsEveryField() throws Exception {
        JobDetails d = details(JobStatus.RUNNING, "");
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Formats.json(d, false));
        assertEquals("RUNNING", tree.get("summary").get("status").asText());
        assertEquals("job-1", tree.get("summary").get("jobId").asText());
        assertEquals("", tree.get("failureCause").asText());
        assertEquals("EXECUTION_RUNNING", tree.get("vertices").get(0).get("subtasks").get(0).get("state").asText());
        assertEquals(0, tree.get("vertices").get(0).get("subtasks").get(0).get("attempt").asInt());
        String line = Formats.json(LifecycleEvent.newBuilder().setJobId("j").setTimestampMs(5).build(), true);
        assertEquals("{\"jobId\":\"j\",\"timestampMs\":\"5\",\"reporter\":\"\"}", line);
    }

    @Test
    void tokenComesFromTheEnvironment() {
        assertEquals(null, new CliEnvironment(Map.of(), home).token());
        assertEquals(null, new CliEnvironment(Map.of("FLOWMESH_TOKEN", " "), home).token());
        assertEquals("abc", new CliEnvironment(Map.of("FLOWMESH_TOKEN", " abc\n"), home).token());
    }

    @Test
    void runOfAMissingFileFailsNamingIt() {
        assertEquals(1, run("run", "no/such/job.jar", "--records", "3"));
        assertTrue(err().startsWith("Error: JAR file does not exist: "), err());
        assertTrue(err().contains(Path.of("no/such/job.jar").toAbsolutePath().toString()), err());
    }

    @Test
    void unreachableDispatcherIsOneLine() throws IOException {
        int port = closedPort();
        assertEquals(1, run("list", "--dispatcher", "127.0.0.1:" + port));
        assertTrue(err().startsWith("Error: could not list jobs: cannot reach the dispatcher at 127.0.0.1:" + port),
                err());
        assertEquals(1, err().strip().lines().count(), err());
        // the global option also works before the verb
        assertEquals(1, run("--dispatcher", "127.0.0.1:" + port, "events"));
        assertTrue(err().contains("cannot reach the dispatcher at 127.0.0.1:" + port), err());
    }

    @Test
    void dispatcherComesFromOptionThenEnvironmentThenLocalClusterThenDefault() throws IOException {
        CliEnvironment bare = new CliEnvironment(Map.of(), home);
        assertEquals("127.0.0.1:8081", bare.dispatcher(null));
        new LocalClusterState(bare.localRunDir(), List.of(), "127.0.0.1:18081", "127.0.0.1:19092",
                "http://127.0.0.1:19000", "flowmesh", "flowmesh-secret", "flowmesh", Instant.now()).write();
        assertEquals("127.0.0.1:18081", bare.dispatcher(null));
        CliEnvironment withEnv = new CliEnvironment(Map.of("FLOWMESH_DISPATCHER", "10.0.0.1:1"), home);
        assertEquals("10.0.0.1:1", withEnv.dispatcher(null));
        assertEquals("h:2", withEnv.dispatcher("h:2"));
    }

    @Test
    void eventLinesUseFlinkNames() {
        LifecycleEvent task = LifecycleEvent.newBuilder().setJobId("j1").setTimestampMs(Instant.parse(
                        "2025-03-04T05:06:07Z").toEpochMilli()).setReporter("taskmanager-1")
                .setTaskStatusChanged(TaskStatusChanged.newBuilder().setVertexName("Map").setSubtaskIndex(0)
                        .setParallelism(2).setAttempt(1).setState(ExecutionState.EXECUTION_RUNNING)
                        .setTaskmanagerId("taskmanager-1"))
                .build();
        assertEquals("2025-03-04T05:06:07.000Z  j1  taskmanager-1  task Map (1/2) attempt 1: RUNNING on taskmanager-1",
                Formats.eventLine(task));
        LifecycleEvent job = LifecycleEvent.newBuilder().setJobId("j1").setTimestampMs(1).setReporter("jobmanager")
                .setJobStatusChanged(JobStatusChanged.newBuilder().setPreviousStatus(JobStatus.CREATED)
                        .setStatus(JobStatus.RUNNING))
                .build();
        assertTrue(Formats.eventLine(job).endsWith("  jobmanager     job CREATED->RUNNING"), Formats.eventLine(job));
        LifecycleEvent failed = job.toBuilder().setJobStatusChanged(JobStatusChanged.newBuilder()
                .setPreviousStatus(JobStatus.FAILING).setStatus(JobStatus.FAILED)
                .setFailureCause("java.lang.IllegalStateException: boom\n\tat x.y(Z.java:1)")).build();
        assertTrue(Formats.eventText(failed).equals("job FAILING->FAILED: java.lang.IllegalStateException: boom"),
                Formats.eventText(failed));
        LifecycleEvent submitted = job.toBuilder().setReporter("dispatcher").setJobSubmitted(
                io.flowmesh.proto.JobSubmitted.newBuilder().setJobName("WordCount")).build();
        assertEquals("submitted WordCount", Formats.eventText(submitted));
        assertEquals("SCHEDULED", Formats.executionState(ExecutionState.SCHEDULED));
        assertEquals("CANCELED", Formats.executionState(ExecutionState.EXECUTION_CANCELED));
    }

    private static JobSummary summary(String id, JobStatus status, long start) {
        return JobSummary.newBuilder().setJobId(id).setJobName("Job " + id).setStatus(status).setStartTimeMs(start)
                .build();
    }

    @Test
    void demoCountsDecodeFromTextOrBinary() {
        assertEquals(1234L, DemoCommand.decodeCount("1234".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1234L, DemoCommand.decodeCount("3,1234".getBytes(StandardCharsets.UTF_8)));
        assertEquals(77L, DemoCommand.decodeCount("{\"key\":\"3\",\"count\":77}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(5L, DemoCommand.decodeCount(java.nio.ByteBuffer.allocate(8).putLong(5).array()));
        var result = new DemoCommand.Result(3, Map.of("10", 1L, "2", 5L, "x", 1L));
        assertEquals("2=5 10=1 x=1", result.firstTenKeys());
    }

    @Test
    void localStatusWithoutAClusterExits1() {
        assertEquals(1, run("local", "status"));
        assertTrue(out().startsWith("No local cluster is running in " + home.resolve(".flowmesh/local")), out());
        assertEquals(1, run("local", "status", "--json"));
        assertTrue(out().contains("\"running\" : false"), out());
        assertEquals(0, run("local", "down"));
    }

    private static JobDetails details(JobStatus status, String cause) {
        return JobDetails.newBuilder()
                .setSummary(summary("job-1", status, 1_000).toBuilder().setJobName("Example"))
                .setFailureCause(cause)
                .addVertices(VertexDetails.newBuilder().setVertexId("v1").setName("Map").setParallelism(2)
                        .addSubtasks(SubtaskDetails.newBuilder().setSubtaskIndex(0)
                                .setState(ExecutionState.EXECUTION_RUNNING).setTaskmanagerId("taskmanager-1"))
                        .addSubtasks(SubtaskDetails.newBuilder().setSubtaskIndex(1).setAttempt(1)
                                .setState(ExecutionState.DEPLOYING).setTaskmanagerId("taskmanager-2")))
                .build();
    }
}
