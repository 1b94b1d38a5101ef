package io.flowmesh.cli;

import io.flowmesh.proto.JobEventsResponse;
import io.flowmesh.proto.LifecycleEvent;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code flowmesh events}: the lifecycle topic, as the dispatcher reads it. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Prints the history of one job (or of all jobs), oldest first: one line per lifecycle "
                + "event with its time (UTC), job id, reporter and what changed. To follow events as they come, "
                + "use `flowmesh watch`."},
        footer = {"", "Examples:", "  ./flowmesh events 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a", "  ./flowmesh events",
                "  ./flowmesh events -o json 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a"})
final class EventsCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<job-id>", description = "Default: every job.")
    String jobId;

    @Override
    public Integer call() {
        try (DispatcherClient client = cli.client()) {
            JobEventsResponse response = client.events(jobId == null ? "" : jobId);
            if (output.isJson()) {
                cli.out.println(Formats.json(response, false));
                return 0;
            }
            List<LifecycleEvent> events = response.getEventsList();
            if (events.isEmpty()) {
                cli.out.println("No events.");
            }
            events.forEach(e -> cli.out.println(Formats.eventLine(e)));
        }
        return 0;
    }
}
