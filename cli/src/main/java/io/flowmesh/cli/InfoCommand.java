package io.flowmesh.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code flowmesh info}: one job's status, vertices and subtasks. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Shows a job: status, start and end, each vertex with its parallelism, each subtask's "
                + "state, attempt and TaskManager, and the failure cause.",
        footer = {"", "Example:", "  ./flowmesh info 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a"})
final class InfoCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Parameters(index = "0", paramLabel = "<job-id>")
    String jobId;

    @Override
    public Integer call() {
        try (DispatcherClient client = cli.client()) {
            Formats.printJobDetails(client.getJob(jobId), cli.out, cli.zone);
        }
        return 0;
    }
}
