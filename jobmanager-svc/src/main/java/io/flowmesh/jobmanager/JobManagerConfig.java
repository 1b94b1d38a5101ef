package io.flowmesh.jobmanager;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** JobManager settings (env: FLOWMESH_JOBMANAGER_HEARTBEAT_TIMEOUT, ...). */
@ConfigMapping(prefix = "flowmesh.jobmanager")
public interface JobManagerConfig {
    /** How often TaskManagers heartbeat (Flink: {@code heartbeat.interval}). */
    @WithDefault("1s")
    Duration heartbeatInterval();

    /** A TaskManager silent this long is lost and its subtasks fail (Flink: {@code heartbeat.timeout}). */
    @WithDefault("5s")
    Duration heartbeatTimeout();

    /** How long a job waits for enough free slots before it fails (Flink: {@code slot.request.timeout}). */
    @WithDefault("60s")
    Duration slotRequestTimeout();

    /**
     * How long a (re)deployment waits for S3 to name the job's latest completed checkpoint and
     * return its metadata; past it the attempt fails (and the restart strategy decides).
     */
    @WithDefault("30s")
    Duration stateLookupTimeout();

    /** Native Kubernetes mode (set by the Flowmesh operator for {@code mode: native}). */
    NativeKubernetes kubernetes();

    /**
     * The JobManager's TaskManager pods in native mode (env {@code FLOWMESH_JOBMANAGER_KUBERNETES_ENABLED},
     * {@code ..._NAMESPACE}, {@code ..._CLUSTER_ID}, {@code ..._TASKMANAGER_POD_TEMPLATE},
     * {@code ..._SLOTS_PER_TASKMANAGER}, {@code ..._TASKMANAGER_TIMEOUT}).
     */
    interface NativeKubernetes {
        /** Whether the JobManager creates, watches and replaces TaskManager pods itself. */
        @WithDefault("false")
        boolean enabled();

        /** The namespace of the pods (the JobManager's own). */
        Optional<String> namespace();

        /** The cluster's name (Flink: {@code kubernetes.cluster-id}). */
        Optional<String> clusterId();

        /** A YAML file with the TaskManager pod the operator rendered (mounted from a ConfigMap). */
        Optional<String> taskmanagerPodTemplate();

        /** Flink: {@code taskmanager.numberOfTaskSlots}. */
        @WithDefault("1")
        int slotsPerTaskmanager();

        /** How long a surplus TaskManager pod stays idle before it is deleted (Flink: {@code resourcemanager.taskmanager-timeout}). */
        @WithDefault("30s")
        Duration taskmanagerTimeout();
    }

    /**
     * With high availability: the {@code host:port} that this JobManager publishes with its lease
     * when it leads (TaskManagers, dispatcher and coordinator call it there); default
     * {@code 127.0.0.1:<quarkus.http.port>}.
     */
    java.util.Optional<String> advertisedAddress();
}
