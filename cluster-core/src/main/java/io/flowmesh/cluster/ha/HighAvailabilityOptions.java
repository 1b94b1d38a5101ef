package io.flowmesh.cluster.ha;

import io.flowmesh.cluster.checkpoint.FlinkDurations;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * High-availability settings with Flink's keys and defaults:
 *
 * <table>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code high-availability.type}</td><td>{@code none}</td><td>{@code none}; {@code s3} (lease
 * in the HA storage directory, kept with S3 conditional writes — the local cluster's kind);
 * {@code kubernetes} (a Kubernetes Lease)</td></tr>
 * <tr><td>{@code high-availability.storageDir}</td><td>{@code s3://<bucket>/<flowmesh.s3.ha-dir>}</td>
 * <td>where job graphs, job results and (type s3) leases live; in the cluster's bucket</td></tr>
 * <tr><td>{@code high-availability.cluster-id}</td><td>{@code kubernetes.cluster-id}, else {@code default}</td><td>separates clusters sharing a storage dir or namespace</td></tr>
 * <tr><td>{@code high-availability.kubernetes.leader-election.lease-duration}</td><td>15 s</td><td>a lease nobody renewed this long may be taken over</td></tr>
 * <tr><td>{@code high-availability.kubernetes.leader-election.renew-deadline}</td><td>15 s</td><td>a leader that could not renew this long stops leading</td></tr>
 * <tr><td>{@code high-availability.kubernetes.leader-election.retry-period}</td><td>5 s</td><td>between renewals, and between a standby's attempts</td></tr>
 * </table>
 * The three lease settings apply to both kinds of lease. {@code kubernetes.namespace} (Flink's key)
 * is where type {@code kubernetes} keeps its Leases ({@code default} here when unset; the
 * Kubernetes implementation then takes the pod's namespace instead).
 */
public record HighAvailabilityOptions(Type type, Optional<String> storageDir, String clusterId, Duration leaseDuration, Duration renewDeadline,
        Duration retryPeriod, String kubernetesNamespace) {
    public static final String TYPE = "high-availability.type";
    public static final String STORAGE_DIR = "high-availability.storageDir";
    public static final String CLUSTER_ID = "high-availability.cluster-id";
    public static final String LEASE_DURATION = "high-availability.kubernetes.leader-election.lease-duration";
    public static final String RENEW_DEADLINE = "high-availability.kubernetes.leader-election.renew-deadline";
    public static final String RETRY_PERIOD = "high-availability.kubernetes.leader-election.retry-period";
    public static final String KUBERNETES_NAMESPACE = "kubernetes.namespace";
    /** Flink's cluster id on Kubernetes; the cluster id when {@code high-availability.cluster-id} is unset. */
    public static final String KUBERNETES_CLUSTER_ID = "kubernetes.cluster-id";

    /** The kinds of high availability. */
    public enum Type {
        NONE, S3, KUBERNETES
    }

    public HighAvailabilityOptions {
        if (renewDeadline.compareTo(leaseDuration) > 0) {
            throw new IllegalArgumentException(RENEW_DEADLINE + " (" + renewDeadline + ") must not exceed " + LEASE_DURATION + " (" + leaseDuration
                    + "): a leader must stop leading before another may take its lease over");
        }
        if (retryPeriod.compareTo(renewDeadline) >= 0) {
            throw new IllegalArgumentException(RETRY_PERIOD + " (" + retryPeriod + ") must be shorter than " + RENEW_DEADLINE + " (" + renewDeadline + ")");
        }
        if (retryPeriod.isZero() || retryPeriod.isNegative()) {
            throw new IllegalArgumentException(RETRY_PERIOD + " must be positive");
        }
    }

    /** No high availability: one process per component at a configured address, as without these keys. */
    public static HighAvailabilityOptions none() {
        return new HighAvailabilityOptions(Type.NONE, Optional.empty(), "default", Duration.ofSeconds(15), Duration.ofSeconds(15),
                Duration.ofSeconds(5), "default");
    }

    /**
     * Reads the keys through {@code config} (e.g. MicroProfile Config's {@code getOptionalValue}).
     *
     * @throws IllegalArgumentException naming the key and value that are malformed
     */
    public static HighAvailabilityOptions from(Function<String, Optional<String>> config) {
        String type = config.apply(TYPE).map(String::trim).orElse("none").toLowerCase(Locale.ROOT);
        Type t = switch (type) {
            case "", "none", "no" -> Type.NONE;
            case "s3" -> Type.S3;
            case "kubernetes" -> Type.KUBERNETES;
            default -> throw new IllegalArgumentException("configuration key " + TYPE + ": '" + type
                    + "' is not supported (none, s3, kubernetes; ZooKeeper is not)");
        };
        return new HighAvailabilityOptions(t, config.apply(STORAGE_DIR).map(String::trim).filter(s -> !s.isEmpty()),
                config.apply(CLUSTER_ID).or(() -> config.apply(KUBERNETES_CLUSTER_ID)).map(String::trim).filter(s -> !s.isEmpty())
                        .map(s -> s.replaceAll("^/+", "")).orElse("default"),
                duration(config, LEASE_DURATION, "15 s"), duration(config, RENEW_DEADLINE, "15 s"), duration(config, RETRY_PERIOD, "5 s"),
                config.apply(KUBERNETES_NAMESPACE).orElse("default"));
    }

    private static Duration duration(Function<String, Optional<String>> config, String key, String fallback) {
        return FlinkDurations.parse(key, config.apply(key).orElse(fallback));
    }

    /** These options with the Kubernetes namespace {@code namespace}. */
    public HighAvailabilityOptions withKubernetesNamespace(String namespace) {
        return new HighAvailabilityOptions(type, storageDir, clusterId, leaseDuration, renewDeadline, retryPeriod, namespace);
    }

    public boolean enabled() {
        return type != Type.NONE;
    }

    /**
     * The key prefix (ending in {@code /}) of this cluster's HA data in {@code bucket}: the storage
     * dir's path, else {@code defaultDir}, then the cluster id.
     *
     * @throws IllegalArgumentException when the storage dir is not an {@code s3://} URI in {@code bucket}
     */
    public String keyPrefix(String bucket, String defaultDir) {
        String dir = defaultDir;
        if (storageDir.isPresent()) {
            String prefix = "s3://" + bucket + "/";
            if (!storageDir.get().startsWith(prefix) || storageDir.get().length() == prefix.length()) {
                throw new IllegalArgumentException("configuration key " + STORAGE_DIR + ": '" + storageDir.get()
                        + "' must be a directory in the cluster's bucket (" + prefix + "...)");
            }
            dir = storageDir.get().substring(prefix.length());
        }
        dir = dir.replaceAll("/+$", "");
        return dir + "/" + clusterId + "/";
    }
}
