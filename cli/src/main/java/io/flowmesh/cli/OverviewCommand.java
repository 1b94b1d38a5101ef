package io.flowmesh.cli;

import io.flowmesh.proto.ClusterOverview;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code flowmesh overview}: the cluster as Flink's {@code /overview} shows it. */
@Command(name = "overview", mixinStandardHelpOptions = true,
        description = "Shows the cluster: TaskManagers with their slots and last heartbeat, slots total and free, jobs by status.",
        footer = {"", "Examples:", "  ./flowmesh overview", "  ./flowmesh overview -o json | jq .slotsAvailable"})
final class OverviewCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        try (DispatcherClient client = cli.client()) {
            ClusterOverview overview = client.overview();
            if (output.isJson()) {
                cli.out.println(Formats.json(overview, false));
            } else {
                Formats.printOverview(overview, cli.out, cli.zone);
            }
        }
        return 0;
    }
}
