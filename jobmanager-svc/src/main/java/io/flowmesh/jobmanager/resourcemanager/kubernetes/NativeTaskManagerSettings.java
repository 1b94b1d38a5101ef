package io.flowmesh.jobmanager.resourcemanager.kubernetes;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link NativeTaskManagerPods} needs to run a cluster's TaskManager pods (Flink's native
 * Kubernetes mode).
 *
 * @param namespace where the pods go (the JobManager's own namespace)
 * @param clusterId the cluster's name ({@code kubernetes.cluster-id}; the FlinkDeployment's name):
 *     pods are named {@code <clusterId>-taskmanager-<attempt>-<n>} and labelled {@code app=<clusterId>},
 *     {@code component=taskmanager}
 * @param attempt the JobManager's attempt number in the pod names, as Flink's
 * @param slotsPerTaskManager {@code taskmanager.numberOfTaskSlots}: how many slots one pod brings
 * @param template the TaskManager pod as the operator renders it (containers, image, env, volumes,
 *     nodeSelector, ...); its name is replaced, labels are added to
 * @param owner the owner every pod gets (the JobManager's Deployment, so pods go with the cluster);
 *     null for none
 * @param idleTimeout how long a pod beyond what the jobs need must stay idle before it is deleted
 *     (Flink: {@code resourcemanager.taskmanager-timeout}, 30 s), so a job restarting does not
 *     lose its pods between releasing and requesting its slots again
 */
public record NativeTaskManagerSettings(String namespace, String clusterId, int attempt, int slotsPerTaskManager,
                                        Pod template, OwnerReference owner, Duration idleTimeout) {
    public NativeTaskManagerSettings {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (slotsPerTaskManager < 1) {
            throw new IllegalArgumentException("taskmanager.numberOfTaskSlots must be at least 1, was " + slotsPerTaskManager
                    + " (cluster " + clusterId + ")");
        }
    }
}
