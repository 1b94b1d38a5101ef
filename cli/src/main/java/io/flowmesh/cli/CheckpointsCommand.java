package io.flowmesh.cli;

import io.flowmesh.proto.CheckpointHistory;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code flowmesh checkpoints}: a job's checkpoint and savepoint history, as Flink's web UI shows it. */
@Command(name = "checkpoints", mixinStandardHelpOptions = true,
        description = {"Lists a job's checkpoints and savepoints, newest first: id, type, status, trigger time, duration,",
                "state size, acknowledged/total subtasks, path; and the counts. Exits 1 when the job is unknown."},
        footer = {"", "Examples:",
                "  ./flowmesh checkpoints 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a",
                "  ./flowmesh checkpoints -o json 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a   (also --json)"})
final class CheckpointsCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Parameters(index = "0", paramLabel = "<job-id>")
    String jobId;

    /** JSON here has the field names of Flink's REST API ({@code /jobs/:jobid/checkpoints}). */
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        try (DispatcherClient client = cli.client()) {
            CheckpointHistory history = client.listCheckpoints(jobId);
            if (output.isJson()) {
                cli.out.println(Formats.checkpointsJson(history));
            } else {
                Formats.printCheckpoints(history, cli.out, cli.zone);
            }
        }
        return 0;
    }
}
