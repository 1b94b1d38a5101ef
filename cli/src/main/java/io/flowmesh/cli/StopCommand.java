package io.flowmesh.cli;

import io.flowmesh.proto.TriggerSavepointResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flowmesh stop}: Flink's {@code flink stop [-p <dir>] [-d] <jobId>}: a savepoint after which
 * the job's sources end their input, so the job goes to FINISHED; waits for the savepoint.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stops a running job with a savepoint: its sources end after the savepoint, so the job FINISHES.",
                "Waits until the savepoint completed and prints its path. Exits 1 when the job is unknown or not",
                "running, or the savepoint failed or timed out (the job then goes on running)."},
        footer = {"", "Examples:",
                "  ./flowmesh stop 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a",
                "  ./flowmesh stop --drain -p s3://flowmesh/savepoints 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a",
                "  ./flowmesh stop -o json 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a | jq -r .savepointPath"})
final class StopCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "<job-id>")
    String jobId;

    @Option(names = {"-p", "--savepointPath"}, paramLabel = "<savepointPath>",
            description = "Where the savepoint goes (s3://bucket/prefix). Default: execution.checkpointing.savepoint-dir.")
    String savepointPath;

    @Option(names = {"-d", "--drain"},
            description = "Send MAX_WATERMARK before the savepoint: every event-time timer and window fires (the job's end).")
    boolean drain;

    @Option(names = "--timeout", paramLabel = "<duration>", defaultValue = "10 min", converter = DurationConverter.class,
            description = "How long to wait for the savepoint (e.g. 90 s, 10 min). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() {
        if (!output.isJson()) {
            cli.out.println((drain ? "Draining" : "Suspending") + " job \"" + jobId + "\" with a savepoint.");
            cli.out.flush();
        }
        try (DispatcherClient client = cli.client()) {
            TriggerSavepointResponse triggered = client.stop(jobId, savepointPath == null ? "" : savepointPath, drain);
            String path = SavepointWaiter.system().await(() -> client.savepointStatus(jobId, triggered.getCheckpointId()), timeout,
                    "the savepoint " + triggered.getCheckpointId() + " stopping job " + jobId, triggered.getLocation());
            if (output.isJson()) {
                cli.out.println(Formats.json(Formats.jsonObject().put("jobId", jobId).put("checkpointId", triggered.getCheckpointId())
                        .put("savepointPath", path).put("drain", drain)));
            } else {
                cli.out.println("Savepoint completed. Path: " + path);
            }
        }
        return 0;
    }
}
