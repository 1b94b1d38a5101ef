package io.flowmesh.cli;

import io.flowmesh.proto.TriggerSavepointResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code flowmesh savepoint}: Flink's {@code flink savepoint <jobId> [targetDirectory]}. */
@Command(name = "savepoint", mixinStandardHelpOptions = true,
        description = {"Triggers a savepoint of a running job and waits until it completed; prints its path.",
                "Exits 1 when the job is unknown or not running, or the savepoint failed or timed out."},
        footer = {"", "Examples:",
                "  ./flowmesh savepoint 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a",
                "  ./flowmesh savepoint 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a s3://flowmesh/savepoints",
                "  ./flowmesh savepoint -o json 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a | jq -r .savepointPath",
                "  ./flowmesh run -s s3://flowmesh/savepoints/savepoint-3f0c8e-7 my-job.jar"})
final class SavepointCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "<job-id>")
    String jobId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<targetDirectory>",
            description = "Where the savepoint goes (s3://bucket/prefix). Default: execution.checkpointing.savepoint-dir.")
    String targetDirectory;

    @Option(names = {"--detached", "-detached"},
            description = "Return once the savepoint is triggered; print its id and where it will be.")
    boolean detached;

    @Option(names = "--timeout", paramLabel = "<duration>", defaultValue = "10 min", converter = DurationConverter.class,
            description = "How long to wait for the savepoint (e.g. 90 s, 10 min). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() {
        boolean json = output.isJson();
        if (!json) {
            cli.out.println("Triggering savepoint for job " + jobId + ".");
            cli.out.flush();
        }
        try (DispatcherClient client = cli.client()) {
            TriggerSavepointResponse triggered = client.triggerSavepoint(jobId, targetDirectory == null ? "" : targetDirectory);
            if (detached && json) {
                cli.out.println(Formats.json(Formats.jsonObject().put("jobId", jobId).put("checkpointId", triggered.getCheckpointId())
                        .put("location", triggered.getLocation()).put("completed", false)));
                return 0;
            }
            if (detached) {
                cli.out.println("Savepoint " + triggered.getCheckpointId() + " of job " + jobId + " triggered; it will be at "
                        + triggered.getLocation() + ".");
                cli.out.println("See whether it completed with `flowmesh checkpoints " + jobId + "`.");
                return 0;
            }
            if (!json) {
                cli.out.println("Waiting for response...");
                cli.out.flush();
            }
            String path = SavepointWaiter.system().await(() -> client.savepointStatus(jobId, triggered.getCheckpointId()), timeout,
                    "savepoint " + triggered.getCheckpointId() + " of job " + jobId, triggered.getLocation());
            if (json) {
                cli.out.println(Formats.json(Formats.jsonObject().put("jobId", jobId).put("checkpointId", triggered.getCheckpointId())
                        .put("savepointPath", path).put("completed", true)));
            } else {
                cli.out.println("Savepoint completed. Path: " + path);
                cli.out.println("You can resume your program from this savepoint with the run command.");
            }
        }
        return 0;
    }
}
