package io.flowmesh.operator.reconciler;

import io.flowmesh.operator.api.FlinkDeployment;
import io.flowmesh.operator.api.FlinkDeploymentSpec;
import io.flowmesh.operator.service.CheckpointView;
import io.flowmesh.operator.service.ClusterId;
import io.flowmesh.operator.service.ClusterServiceException;
import io.flowmesh.operator.service.FlowmeshClusterService;
import io.flowmesh.operator.service.JobInfo;
import io.flowmesh.operator.service.JobSubmission;
import io.flowmesh.operator.service.SavepointResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The reconcilers' test seam (the Flink operator's TestingFlinkService): clusters and jobs in
 * memory, every call logged in {@link #calls}. A deployed cluster is ready at once unless
 * {@link #becomesReady} says no; a submitted job runs at once; savepoints stay pending until
 * {@link #completeSavepoints()} or {@link #failSavepoint}.
 */
final class InMemoryClusterService implements FlowmeshClusterService {
    record Cluster(FlinkDeploymentSpec spec, boolean ready) {}

    static final class Job {
        final String id;
        final ClusterId cluster;
        final JobSubmission submission;
        String state = "RUNNING";
        final long startTime;
        final List<CheckpointView> checkpoints = new ArrayList<>();

        Job(String id, ClusterId cluster, JobSubmission submission, long startTime) {
            this.id = id;
            this.cluster = cluster;
            this.submission = submission;
            this.startTime = startTime;
        }
    }

    final List<String> calls = new ArrayList<>();
    final Map<ClusterId, Cluster> clusters = new HashMap<>();
    final Map<String, Job> jobs = new LinkedHashMap<>();
    /** trigger id → [job id, target dir]; removed when completed or failed. */
    final Map<String, String[]> pendingSavepoints = new LinkedHashMap<>();
    final Map<String, SavepointResult> savepointResults = new HashMap<>();
    final List<String> disposed = new ArrayList<>();
    Predicate<FlinkDeploymentSpec> becomesReady = spec -> true;
    private final Clock clock;
    private int nextJob = 1;
    private int nextSavepoint = 1;

    InMemoryClusterService(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void deployCluster(FlinkDeployment deployment, FlinkDeploymentSpec spec) {
        ClusterId id = ClusterId.of(deployment);
        calls.add("deploy " + id + " image=" + spec.getImage());
        clusters.put(id, new Cluster(spec, becomesReady.test(spec)));
    }

    @Override
    public void deleteCluster(ClusterId cluster, boolean deleteHaData) {
        calls.add("delete " + cluster + " haData=" + deleteHaData);
        clusters.remove(cluster);
        jobs.values().stream().filter(j -> j.cluster.equals(cluster) && j.state.equals("RUNNING")).forEach(j -> j.state = "SUSPENDED");
    }

    @Override
    public boolean isJobManagerReady(ClusterId cluster) {
        Cluster c = clusters.get(cluster);
        return c != null && c.ready();
    }

    @Override
    public String submitJob(ClusterId cluster, JobSubmission submission) {
        if (!isJobManagerReady(cluster)) {
            throw new ClusterServiceException("cluster " + cluster + " is not ready");
        }
        String id = "job-" + nextJob++;
        calls.add("submit " + cluster + " " + id + " parallelism=" + submission.parallelism() + " restore=" + submission.restorePath());
        jobs.put(id, new Job(id, cluster, submission, clock.millis()));
        return id;
    }

    @Override
    public void cancelJob(ClusterId cluster, String jobId) {
        calls.add("cancel " + jobId);
        job(jobId).state = "CANCELED";
    }

    @Override
    public String stopWithSavepoint(ClusterId cluster, String jobId, String savepointDir) {
        calls.add("stop-with-savepoint " + jobId);
        Job job = job(jobId);
        if (!job.state.equals("RUNNING")) {
            throw new ClusterServiceException("job " + jobId + " is " + job.state);
        }
        job.state = "FINISHED";
        return savepointDir + "/savepoint-" + jobId + "-" + nextSavepoint++;
    }

    @Override
    public String triggerSavepoint(ClusterId cluster, String jobId, String savepointDir) {
        String id = "sp-" + nextSavepoint++;
        calls.add("trigger-savepoint " + jobId + " " + id);
        pendingSavepoints.put(id, new String[] {jobId, savepointDir});
        return id;
    }

    @Override
    public SavepointResult getSavepointStatus(ClusterId cluster, String jobId, String triggerId) {
        return savepointResults.getOrDefault(triggerId, SavepointResult.pending());
    }

    /** Completes every pending savepoint; returns their locations. */
    List<String> completeSavepoints() {
        List<String> locations = new ArrayList<>();
        pendingSavepoints.forEach((id, jobAndDir) -> {
            String location = jobAndDir[1] + "/savepoint-" + jobAndDir[0] + "-" + id;
            savepointResults.put(id, SavepointResult.completed(location));
            locations.add(location);
        });
        pendingSavepoints.clear();
        return locations;
    }

    void failSavepoint(String triggerId, String cause) {
        pendingSavepoints.remove(triggerId);
        savepointResults.put(triggerId, SavepointResult.failed(cause));
    }

    @Override
    public Optional<JobInfo> getJobStatus(ClusterId cluster, String jobId) {
        Job job = jobs.get(jobId);
        return job == null ? Optional.empty()
                : Optional.of(new JobInfo(job.id, "job of " + cluster, job.state, job.startTime, job.state.equals("FAILED") ? "boom" : ""));
    }

    /** Completes a checkpoint of the job; returns its location. */
    String completeCheckpoint(String jobId) {
        Job job = job(jobId);
        long n = job.checkpoints.size() + 1;
        String location = "s3://flowmesh/checkpoints/" + jobId + "/chk-" + n;
        job.checkpoints.add(new CheckpointView(n, location, clock.millis()));
        return location;
    }

    @Override
    public Optional<CheckpointView> latestCheckpoint(ClusterId cluster, String jobId) {
        Job job = jobs.get(jobId);
        return job == null || job.checkpoints.isEmpty() ? Optional.empty() : Optional.of(job.checkpoints.get(job.checkpoints.size() - 1));
    }

    @Override
    public void disposeSavepoint(ClusterId cluster, String location) {
        calls.add("dispose " + location);
        disposed.add(location);
    }

    Job job(String jobId) {
        Job job = jobs.get(jobId);
        if (job == null) {
            throw new ClusterServiceException("no job " + jobId);
        }
        return job;
    }

    /** The only running job of a cluster. */
    Job runningJob(ClusterId cluster) {
        List<Job> running = jobs.values().stream().filter(j -> j.cluster.equals(cluster) && j.state.equals("RUNNING")).toList();
        if (running.size() != 1) {
            throw new AssertionError("expected one running job on " + cluster + ", found " + running.size());
        }
        return running.get(0);
    }
}
