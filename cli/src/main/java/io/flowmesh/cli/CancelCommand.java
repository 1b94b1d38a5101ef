package io.flowmesh.cli;

import io.flowmesh.proto.JobStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code flowmesh cancel}: Flink's {@code flink cancel}. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancels a job. Exits 1 when the job is unknown or already terminal.",
        footer = {"", "Examples:", "  ./flowmesh cancel 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a",
                "  ./flowmesh cancel -o json 3f0c8e2a9b1d4c6e8f7a6b5c4d3e2f1a   {\"jobId\": ..., \"status\": \"CANCELLING\"}"})
final class CancelCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "<job-id>")
    String jobId;

    @Override
    public Integer call() {
        if (!output.isJson()) {
            cli.out.println("Cancelling job " + jobId + ".");
        }
        try (DispatcherClient client = cli.client()) {
            JobStatus status = client.cancel(jobId).getStatus();
            if (output.isJson()) {
                cli.out.println(Formats.json(Formats.jsonObject().put("jobId", jobId).put("status", Formats.jobStatus(status))));
            } else if (status == JobStatus.CANCELED) {
                cli.out.println("Cancelled job " + jobId + ".");
            } else {
                cli.out.println("Cancellation of job " + jobId + " requested; it is " + Formats.jobStatus(status)
                        + " (see `flowmesh info " + jobId + "`).");
            }
        }
        return 0;
    }
}
