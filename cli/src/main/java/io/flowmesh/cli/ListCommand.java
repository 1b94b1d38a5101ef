package io.flowmesh.cli;

import io.flowmesh.proto.ListJobsResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flowmesh list}: Flink's {@code flink list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists running and scheduled jobs (with --all also finished, failed and cancelled ones).",
        footer = {"", "Examples:", "  ./flowmesh list --all",
                "  ./flowmesh list -o json | jq -r '.jobs[] | select(.status==\"RUNNING\") | .jobId'"})
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Mixin
    OutputOptions output;

    @Option(names = {"-a", "--all"}, description = "Also list terminated jobs.")
    boolean all;

    @Override
    public Integer call() {
        try (DispatcherClient client = cli.client()) {
            ListJobsResponse jobs = client.listJobs(all);
            if (output.isJson()) {
                cli.out.println(Formats.json(jobs, false));
            } else {
                Formats.printJobList(jobs.getJobsList(), all, cli.out, cli.zone);
            }
        }
        return 0;
    }
}
