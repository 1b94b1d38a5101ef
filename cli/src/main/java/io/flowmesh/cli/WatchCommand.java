package io.flowmesh.cli;

import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.LifecycleEvent;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code flowmesh watch}: follows lifecycle events as they come (the dispatcher's WatchJobs stream). */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Follows the lifecycle events of one job (or of every job) as the dispatcher reads them: first the history",
                "(unless --from-now), then each new event, one line each (with -o json one JSON object per line).",
                "With a job id it ends when the job ends: exit 0 when it FINISHED, 1 when it FAILED or was CANCELED.",
                "Without one it runs until interrupted (Ctrl-C)."},
        footer = {"", "Examples:", "  ./flowmesh watch 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a",
                "  ./flowmesh watch --from-now", "  ./flowmesh watch -o json 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a | jq -c .jobStatusChanged"})
final class WatchCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<job-id>", description = "Default: every job.")
    String jobId;

    @Option(names = "--from-now", description = "Skip the history: only events that come after the call.")
    boolean fromNow;

    @Override
    public Integer call() {
        AtomicReference<JobStatus> last = new AtomicReference<>();
        try (DispatcherClient client = cli.client()) {
            client.watch(jobId == null ? "" : jobId, fromNow, e -> {
                cli.out.println(output.isJson() ? Formats.json(e, true) : Formats.eventLine(e));
                cli.out.flush();
                if (e.getEventCase() == LifecycleEvent.EventCase.JOB_STATUS_CHANGED) {
                    last.set(e.getJobStatusChanged().getStatus());
                }
            });
        }
        if (jobId == null) {
            return 0;
        }
        JobStatus status = last.get();
        if (status == null || !Formats.TERMINAL.contains(status)) {
            // the stream ended without the job's end: the job had ended before a --from-now watch
            return 0;
        }
        return status == JobStatus.FINISHED ? 0 : 1;
    }
}
