package io.flowmesh.operator.service;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowmesh.operator.api.FlinkDeployment;
import io.flowmesh.operator.api.FlinkDeploymentSpec;
import io.flowmesh.operator.service.ClusterResources.Role;
import io.flowmesh.proto.CheckpointStats;
import io.flowmesh.proto.JobDetails;
import io.flowmesh.proto.SavepointStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The real {@link FlowmeshClusterService}: the cluster's objects ({@link ClusterResources}) through
 * the Kubernetes API, the job through the dispatcher's gRPC API at
 * {@code <name>-rest.<namespace>.svc:8081} (or the address template given). One gRPC channel per
 * cluster, kept until the cluster is deleted. Thread-safe.
 */
public class KubernetesClusterService implements FlowmeshClusterService {
    private static final Logger LOG = Logger.getLogger(KubernetesClusterService.class);

    private final KubernetesClient client;
    private final String dispatcherAddressTemplate;
    private final Duration rpcTimeout;
    private final Duration savepointTimeout;
    private final Map<ClusterId, DispatcherClient> dispatchers = new ConcurrentHashMap<>();

    /**
     * @param dispatcherAddressTemplate host:port with {@code {name}} and {@code {namespace}} placeholders
     */
    public KubernetesClusterService(KubernetesClient client, String dispatcherAddressTemplate, Duration rpcTimeout,
                                    Duration savepointTimeout) {
        this.client = client;
        this.dispatcherAddressTemplate = dispatcherAddressTemplate;
        this.rpcTimeout = rpcTimeout;
        this.savepointTimeout = savepointTimeout;
    }

    @Override
    public void deployCluster(FlinkDeployment deployment, FlinkDeploymentSpec spec) {
        ClusterId id = ClusterId.of(deployment);
        try {
            for (HasMetadata object : ClusterResources.build(deployment, spec)) {
                client.resource(object).inNamespace(id.namespace()).createOr(existing -> existing.update());
            }
        } catch (KubernetesClientException e) {
            throw new ClusterServiceException("Cluster " + id + ": creating its Kubernetes objects failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteCluster(ClusterId cluster, boolean deleteHaData) {
        DispatcherClient dispatcher = dispatchers.remove(cluster);
        if (dispatcher != null) {
            dispatcher.close();
        }
        try {
            var ns = cluster.namespace();
            for (Role role : Role.values()) {
                client.apps().deployments().inNamespace(ns).withName(ClusterResources.deploymentName(cluster.name(), role)).delete();
                client.services().inNamespace(ns).withName(ClusterResources.serviceName(cluster.name(), role)).delete();
            }
            client.configMaps().inNamespace(ns).withName(ClusterResources.configMapName(cluster.name())).delete();
            // native mode: the JobManager's TaskManager pods (owned by its Deployment, so also garbage-collected)
            client.configMaps().inNamespace(ns).withName(ClusterResources.podTemplateConfigMapName(cluster.name())).delete();
            client.pods().inNamespace(ns).withLabel("app", cluster.name()).withLabel("component", Role.TASKMANAGER.id).delete();
            if (deleteHaData) {
                client.configMaps().inNamespace(ns).withLabel(ClusterResources.LABEL_CLUSTER, cluster.name())
                        .withLabel(ClusterResources.LABEL_CONFIGMAP_TYPE, ClusterResources.HA_CONFIGMAP_TYPE).delete();
            }
        } catch (KubernetesClientException e) {
            throw new ClusterServiceException("Cluster " + cluster + ": deleting its Kubernetes objects failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isJobManagerReady(ClusterId cluster) {
        for (Role role : new Role[] {Role.JOBMANAGER, Role.COORDINATOR, Role.DISPATCHER}) {
            Deployment d = client.apps().deployments().inNamespace(cluster.namespace())
                    .withName(ClusterResources.deploymentName(cluster.name(), role)).get();
            if (d == null || d.getStatus() == null || d.getStatus().getReadyReplicas() == null || d.getStatus().getReadyReplicas() < 1) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String submitJob(ClusterId cluster, JobSubmission submission) {
        return dispatcher(cluster).submit(submission);
    }

    @Override
    public void cancelJob(ClusterId cluster, String jobId) {
        dispatcher(cluster).cancel(jobId);
    }

    /** Triggers the stop and polls its savepoint every 500 ms until it completes or the savepoint timeout passes. */
    @Override
    public String stopWithSavepoint(ClusterId cluster, String jobId, String savepointDir) {
        DispatcherClient dispatcher = dispatcher(cluster);
        long checkpointId = dispatcher.savepoint(jobId, savepointDir, true);
        long deadline = System.nanoTime() + savepointTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            SavepointResult result = toResult(dispatcher.savepointStatus(jobId, checkpointId));
            switch (result.status()) {
                case COMPLETED:
                    return result.location();
                case FAILED:
                    throw new ClusterServiceException("Cluster " + cluster + ": the stop-with-savepoint of job " + jobId
                            + " failed: " + result.failureCause());
                default:
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ClusterServiceException("Cluster " + cluster + ": interrupted waiting for the savepoint of job " + jobId, e);
                    }
            }
        }
        throw new ClusterServiceException("Cluster " + cluster + ": the savepoint of job " + jobId + " did not complete within "
                + savepointTimeout);
    }

    @Override
    public String triggerSavepoint(ClusterId cluster, String jobId, String savepointDir) {
        return Long.toString(dispatcher(cluster).savepoint(jobId, savepointDir, false));
    }

    @Override
    public SavepointResult getSavepointStatus(ClusterId cluster, String jobId, String triggerId) {
        return toResult(dispatcher(cluster).savepointStatus(jobId, Long.parseLong(triggerId)));
    }

    private static SavepointResult toResult(SavepointStatus status) {
        return switch (status.getStatus()) {
            case CHECKPOINT_COMPLETED -> SavepointResult.completed(status.getLocation());
            case CHECKPOINT_FAILED -> SavepointResult.failed(status.getFailureCause());
            default -> SavepointResult.pending();
        };
    }

    @Override
    public Optional<JobInfo> getJobStatus(ClusterId cluster, String jobId) {
        return dispatcher(cluster).job(jobId).map(KubernetesClusterService::toInfo);
    }

    private static JobInfo toInfo(JobDetails d) {
        var s = d.getSummary();
        return new JobInfo(s.getJobId(), s.getJobName(), s.getStatus().name(), s.getStartTimeMs(), d.getFailureCause());
    }

    @Override
    public Optional<CheckpointView> latestCheckpoint(ClusterId cluster, String jobId) {
        Optional<CheckpointStats> latest = dispatcher(cluster).latestCompletedCheckpoint(jobId);
        return latest.map(c -> new CheckpointView(c.getCheckpointId(), c.getLocation(), c.getTriggerTimestampMs() + c.getDurationMs()));
    }

    /** The dispatcher has no dispose call yet: the savepoint leaves the history, its files stay (docs/kubernetes.md). */
    @Override
    public void disposeSavepoint(ClusterId cluster, String location) {
        LOG.warnf("Cluster %s: savepoint %s left the history but its files are not deleted (the dispatcher has no dispose call)",
                cluster, location);
    }

    private DispatcherClient dispatcher(ClusterId cluster) {
        return dispatchers.computeIfAbsent(cluster, id -> new DispatcherClient(id, dispatcherAddressTemplate
                .replace("{name}", id.name())
                .replace("{namespace}", id.namespace()), rpcTimeout));
    }
}
