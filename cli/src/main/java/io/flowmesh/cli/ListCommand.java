package io.flowmesh.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flowmesh list}: Flink's {@code flink list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists running and scheduled jobs (with --all also finished, failed and cancelled ones).",
        footer = {"", "Example:", "  ./flowmesh list --all"})
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Option(names = {"-a", "--all"}, description = "Also list terminated jobs.")
    boolean all;

    @Override
    public Integer call() {
        try (DispatcherClient client = cli.client()) {
            Formats.printJobList(client.listJobs(all).getJobsList(), all, cli.out, cli.zone);
        }
        return 0;
    }
}
