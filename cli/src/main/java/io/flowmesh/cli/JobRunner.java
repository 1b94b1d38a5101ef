package io.flowmesh.cli;

import io.flowmesh.proto.Artifact;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.SubmitJobRequest;
import io.flowmesh.proto.SubmitJobResponse;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code flowmesh run} (and {@code flowmesh demo}) does: upload the jar, submit it, print
 * Flink's {@code Job has been submitted with JobID <id>}, and unless detached poll the job every
 * {@value #POLL_MILLIS} ms until it is FINISHED, FAILED or CANCELED.
 */
final class JobRunner {

    static final long POLL_MILLIS = 500;

    /**
     * The job's id and, when attached, the status it ended in ({@code null} when detached), with
     * what the submission answered and the final details (null when detached).
     */
    record Outcome(String jobId, JobStatus finalStatus, SubmitJobResponse submitted, JobDetails details) {

        Outcome(String jobId, JobStatus finalStatus) {
            this(jobId, finalStatus, null, null);
        }

        int exitCode() {
            return finalStatus == null || finalStatus == JobStatus.FINISHED ? 0 : 1;
        }
    }

    /** Where a job starts from: {@link #NONE}, or a savepoint path and Flink's allowNonRestoredState. */
    record Restore(String savepointPath, boolean allowNonRestoredState) {
        static final Restore NONE = new Restore("", false);
    }

    private JobRunner() {
    }

    /** Fails with exit code 1 and a message naming the file when {@code jar} is not a readable file. */
    static Path requireJar(Path jar) {
        Path absolute = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new CliException("JAR file does not exist: " + absolute);
        }
        if (!Files.isReadable(absolute)) {
            throw new CliException("JAR file cannot be read: " + absolute);
        }
        return absolute;
    }

    static Outcome run(DispatcherClient client, Path jar, String entryClass, int parallelism, List<String> args,
            boolean detached, PrintStream out) {
        return run(client, jar, entryClass, parallelism, args, Restore.NONE, java.util.Map.of(), detached, out, false);
    }

    /**
     * @param configuration the job's configuration keys ({@code -D}), over the program's own
     * @param quiet print nothing (the caller prints the outcome, e.g. as JSON)
     */
    static Outcome run(DispatcherClient client, Path jar, String entryClass, int parallelism, List<String> args,
            Restore restore, java.util.Map<String, String> configuration, boolean detached, PrintStream out, boolean quiet) {
        Path file = requireJar(jar);
        Artifact artifact = client.upload(file);
        SubmitJobRequest.Builder request = SubmitJobRequest.newBuilder()
                .setArtifactUri(artifact.getUri())
                .setParallelism(parallelism)
                .addAllArgs(args)
                .setSavepointPath(restore.savepointPath())
                .setAllowNonRestoredState(restore.allowNonRestoredState())
                .putAllConfiguration(configuration);
        if (entryClass != null) {
            request.setEntryClass(entryClass);
        }
        SubmitJobResponse response = client.submit(request.build());
        String programOutput = response.getProgramOutput();
        String jobId = response.getJobId();
        if (!quiet) {
            if (!programOutput.isEmpty()) {
                out.print(programOutput.endsWith("\n") ? programOutput : programOutput + "\n");
            }
            out.println("Job has been submitted with JobID " + jobId);
            out.flush();
        }
        if (detached) {
            return new Outcome(jobId, null, response, null);
        }
        JobDetails details = awaitTerminal(client, jobId);
        JobStatus status = details.getSummary().getStatus();
        if (!quiet) {
            out.println("Job " + jobId + " finished with status " + Formats.jobStatus(status));
            if (status == JobStatus.FAILED && !details.getFailureCause().isBlank()) {
                out.println("Failure cause: " + details.getFailureCause().strip());
            }
        }
        return new Outcome(jobId, status, response, details);
    }

    private static JobDetails awaitTerminal(DispatcherClient client, String jobId) {
        while (true) {
            JobDetails details = client.getJob(jobId);
            if (Formats.TERMINAL.contains(details.getSummary().getStatus())) {
                return details;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted while waiting for job " + jobId
                        + "; it goes on running (see `flowmesh info " + jobId + "`)");
            }
        }
    }
}
