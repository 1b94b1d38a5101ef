package io.flowmesh.cli;

import io.flowmesh.proto.JobDetails;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code flowmesh info}: one job's status, vertices and subtasks. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Shows a job: status, start and end, each vertex with its parallelism, each subtask's "
                + "state, attempt and TaskManager, and the failure cause. Exits 1 when the job is unknown."},
        footer = {"", "Examples:", "  ./flowmesh info 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a",
                "  ./flowmesh info -o json 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a | jq .summary.taskCounts"})
final class InfoCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "<job-id>")
    String jobId;

    @Override
    public Integer call() {
        try (DispatcherClient client = cli.client()) {
            JobDetails details = client.getJob(jobId);
            if (output.isJson()) {
                cli.out.println(Formats.json(details, false));
            } else {
                Formats.printJobDetails(details, cli.out, cli.zone);
            }
        }
        return 0;
    }
}
