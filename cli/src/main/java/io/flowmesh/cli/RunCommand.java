package io.flowmesh.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code flowmesh run}: Flink's {@code flink run}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Uploads a job jar to the dispatcher and runs its main to build the job.",
                "Waits until the job ends unless -d is given; exits 0 when it FINISHED, 1 otherwise."},
        footer = {"", "Examples:",
                "  ./flowmesh run examples/target/flowmesh-examples.jar --records 1000",
                "  ./flowmesh run -d -p 4 -c com.example.WordCount my-job.jar --input in-topic",
                "  ./flowmesh run -s s3://flowmesh/savepoints/savepoint-3f0c8e-7 -n my-job.jar",
                "  ./flowmesh run -d -o json my-job.jar | jq -r .jobId"})
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    FlowmeshCli cli;

    @Option(names = {"-c", "--class"}, paramLabel = "<class>",
            description = "The class whose main builds the job. Default: the jar manifest's Main-Class.")
    String entryClass;

    @Option(names = {"-p", "--parallelism"}, paramLabel = "<n>", defaultValue = "0",
            description = "Default parallelism of the job. Default: the program's own (0).")
    int parallelism;

    @Mixin
    OutputOptions output;

    @Option(names = {"-d", "--detached"}, description = "Return once the job is submitted.")
    boolean detached;

    @Option(names = {"-s", "--fromSavepoint"}, paramLabel = "<savepointPath>",
            description = "Start the job from this savepoint (or retained checkpoint) directory, or its _metadata file.")
    String fromSavepoint;

    @Option(names = {"-n", "--allowNonRestoredState"},
            description = "With -s: skip the savepoint's state of operators the job no longer has, instead of refusing the job.")
    boolean allowNonRestoredState;

    @Option(names = "-D", paramLabel = "<key=value>", mapFallbackValue = "",
            description = "A configuration key of the job, Flink's keys (e.g. -Dexecution.checkpointing.interval=1s, "
                    + "-Drestart-strategy.type=fixed-delay); repeatable; what the program sets itself takes precedence, as in Flink.")
    java.util.Map<String, String> configuration = new java.util.LinkedHashMap<>();

    @Parameters(index = "0", paramLabel = "<jar>", description = "The job jar.")
    Path jar;

    @Parameters(index = "1..*", paramLabel = "<args>", description = "Arguments for the job's main.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        if (parallelism < 0) {
            throw new CliException("parallelism must be >= 0, was " + parallelism, 2);
        }
        if (fromSavepoint != null && fromSavepoint.isBlank()) {
            throw new CliException("-s/--fromSavepoint needs a savepoint path, was empty", 2);
        }
        JobRunner.requireJar(jar);
        JobRunner.Restore restore = fromSavepoint == null ? JobRunner.Restore.NONE
                : new JobRunner.Restore(fromSavepoint.strip(), allowNonRestoredState);
        if (fromSavepoint == null && allowNonRestoredState) {
            cli.err.println("Warning: -n/--allowNonRestoredState has no effect without -s/--fromSavepoint.");
        }
        try (DispatcherClient client = cli.client()) {
            JobRunner.Outcome outcome = JobRunner.run(client, jar, entryClass, parallelism, args, restore, configuration, detached, cli.out,
                    output.isJson());
            if (output.isJson()) {
                ObjectNode json = Formats.jsonObject().put("jobId", outcome.jobId()).put("jobName", outcome.submitted().getJobName())
                        .put("programOutput", outcome.submitted().getProgramOutput());
                if (outcome.finalStatus() == null) {
                    json.putNull("status");
                } else {
                    json.put("status", Formats.jobStatus(outcome.finalStatus()))
                            .put("failureCause", outcome.details().getFailureCause());
                }
                cli.out.println(Formats.json(json));
            }
            return outcome.exitCode();
        }
    }
}
