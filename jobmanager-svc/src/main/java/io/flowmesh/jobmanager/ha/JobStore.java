package io.flowmesh.jobmanager.ha;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmesh.cluster.storage.BlobStore;
import io.flowmesh.proto.JobStatus;
import io.flowmesh.proto.JobSubmission;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * The JobManager's HA metadata in S3 under the HA key prefix: what a new leader needs to recover
 * every running job. The JobGraph itself stays where the dispatcher put it (the submission names
 * it); the latest completed checkpoint is found in the job's checkpoint directory as on any restart.
 *
 * <pre>
 * &lt;prefix&gt;jobs/&lt;job id&gt;/submission   the JobSubmission (protobuf), written when the job is accepted
 * &lt;prefix&gt;jobs/&lt;job id&gt;/attempt      the last attempt deployed (decimal), written before each deployment
 * &lt;prefix&gt;job-results/&lt;job id&gt;     the terminal status (FINISHED, FAILED, CANCELED): the job result store
 * </pre>
 *
 * A job with a result is never recovered (a finished job is not resurrected); its {@code jobs/}
 * entries are deleted after the result is written. Every method may throw the store's
 * {@link io.flowmesh.cluster.storage.StorageException}; call off the JobManager's main thread.
 */
public final class JobStore {
    private static final Logger LOG = Logger.getLogger(JobStore.class);

    /** A job to recover: its submission and the last attempt any leader deployed (0 if none). */
    public record RecoverableJob(JobSubmission submission, int lastAttempt) {}

    private final BlobStore store;
    private final String prefix;

    /** @param prefix the HA key prefix, ending in {@code /} */
    public JobStore(BlobStore store, String prefix) {
        this.store = store;
        this.prefix = prefix;
    }

    public void putSubmission(JobSubmission submission) {
        store.put(jobDir(submission.getJobId()) + "submission", submission.toByteArray());
    }

    public void putAttempt(String jobId, int attempt) {
        store.put(jobDir(jobId) + "attempt", Integer.toString(attempt).getBytes(StandardCharsets.US_ASCII));
    }

    /** Writes the job's result, then drops its recovery entries. */
    public void putResult(String jobId, JobStatus status) {
        store.put(prefix + "job-results/" + jobId, status.name().getBytes(StandardCharsets.US_ASCII));
        store.deletePrefix(jobDir(jobId));
    }

    public Optional<String> result(String jobId) {
        return store.get(prefix + "job-results/" + jobId).map(b -> new String(b, StandardCharsets.US_ASCII));
    }

    /** Every job that was accepted and has no result yet, in job id order. */
    public List<RecoverableJob> recoverable() {
        TreeSet<String> ids = new TreeSet<>();
        for (String key : store.list(prefix + "jobs/")) {
            String rest = key.substring((prefix + "jobs/").length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
                ids.add(rest.substring(0, slash));
            }
        }
        List<RecoverableJob> jobs = new ArrayList<>();
        for (String id : ids) {
            if (result(id).isPresent()) {
                store.deletePrefix(jobDir(id)); // the previous leader died between the result and this cleanup
                continue;
            }
            Optional<byte[]> submission = store.get(jobDir(id) + "submission");
            if (submission.isEmpty()) {
                continue;
            }
            try {
                int attempt = store.get(jobDir(id) + "attempt").map(b -> Integer.parseInt(new String(b, StandardCharsets.US_ASCII).trim())).orElse(0);
                jobs.add(new RecoverableJob(JobSubmission.parseFrom(submission.get()), attempt));
            } catch (InvalidProtocolBufferException | NumberFormatException e) {
                LOG.errorf("cannot recover job %s: its HA entries under %s are corrupt (%s)", id, store.uri(jobDir(id)), e.getMessage());
            }
        }
        return jobs;
    }

    private String jobDir(String jobId) {
        return prefix + "jobs/" + jobId + "/";
    }
}
