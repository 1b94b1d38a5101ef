package io.flowmesh.operator.validation;

import io.fabric8.kubernetes.api.model.Quantity;
import io.flowmesh.operator.api.FlinkDeploymentSpec;
import io.flowmesh.operator.api.FlinkSessionJobSpec;
import io.flowmesh.operator.api.JobManagerSpec;
import io.flowmesh.operator.api.JobSpec;
import io.flowmesh.operator.api.KubernetesDeploymentMode;
import io.flowmesh.operator.api.Resource;
import io.flowmesh.operator.api.TaskManagerSpec;
import io.flowmesh.operator.api.UpgradeMode;
import io.flowmesh.operator.config.OperatorOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Rejects what the Flink Kubernetes Operator's validator rejects, with messages close to its own.
 * Stateless: every method returns the first problem found, or empty. The reconcilers call it before
 * acting on a spec; a rejected spec is reported in {@code status.error} and an Event while the last
 * valid spec keeps running.
 */
public final class FlinkResourceValidator {
    private static final Pattern NAME = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final int MAX_NAME_LENGTH = 45;

    /**
     * @param name the resource's metadata.name
     * @param spec the new spec
     * @param lastSpec the last reconciled spec, or {@code null} before the first deployment
     */
    public Optional<String> validateDeployment(String name, FlinkDeploymentSpec spec, FlinkDeploymentSpec lastSpec) {
        return first(
                () -> validateName(name),
                () -> spec.getFlinkVersion() == null ? "Flink Version must be defined." : null,
                () -> blank(spec.getImage()) ? "Image must be defined: the Flowmesh image (spec.image)." : null,
                () -> new OperatorOptions(spec.getFlinkConfiguration()).problem().orElse(null),
                () -> validateJobManager(spec.getJobManager(), new OperatorOptions(spec.getFlinkConfiguration())),
                () -> validateTaskManager(spec.getTaskManager()),
                () -> spec.getJob() == null ? null : validateJob(spec.getJob(), new OperatorOptions(spec.getFlinkConfiguration())),
                () -> validateHaAndRollback(new OperatorOptions(spec.getFlinkConfiguration())),
                () -> lastSpec == null ? null : validateSpecChange(spec, lastSpec));
    }

    /**
     * @param session the FlinkDeployment named by {@code spec.deploymentName} in the same namespace,
     *     or {@code null} when there is none
     * @param lastSpec the last reconciled spec, or {@code null}
     */
    public Optional<String> validateSessionJob(FlinkSessionJobSpec spec, FlinkDeploymentSpec session, FlinkSessionJobSpec lastSpec) {
        return first(
                () -> blank(spec.getDeploymentName()) ? "The deploymentName can't be null" : null,
                () -> lastSpec != null && !Objects.equals(lastSpec.getDeploymentName(), spec.getDeploymentName())
                        ? "The deploymentName can't be changed" : null,
                () -> session == null ? "Session cluster deployment is not found: no FlinkDeployment named '"
                        + spec.getDeploymentName() + "' in this namespace" : null,
                () -> session.getJob() != null ? "Can not submit session job to application cluster '"
                        + spec.getDeploymentName() + "' (it has a job)" : null,
                () -> spec.getJob() == null ? "The job spec should not be empty" : null,
                () -> new OperatorOptions(effectiveConfiguration(session, spec)).problem().orElse(null),
                () -> spec.getJob().getUpgradeMode() == UpgradeMode.LAST_STATE
                        ? "The LAST_STATE upgrade mode is not supported in session job now." : null,
                () -> validateJob(spec.getJob(), new OperatorOptions(effectiveConfiguration(session, spec))));
    }

    /** The session cluster's configuration with the session job's own keys over it. */
    public static Map<String, String> effectiveConfiguration(FlinkDeploymentSpec session, FlinkSessionJobSpec job) {
        Map<String, String> conf = new HashMap<>();
        if (session != null && session.getFlinkConfiguration() != null) {
            conf.putAll(session.getFlinkConfiguration());
        }
        if (job.getFlinkConfiguration() != null) {
            conf.putAll(job.getFlinkConfiguration());
        }
        return conf;
    }

    private static String validateName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.length() > MAX_NAME_LENGTH) {
            return "The FlinkDeployment name: " + name + " is invalid, must consist of lower case alphanumeric "
                    + "characters or '-', start with an alphabetic character, and end with an alphanumeric "
                    + "character, and the length must be no more than " + MAX_NAME_LENGTH + " characters.";
        }
        return null;
    }

    private static String validateJobManager(JobManagerSpec jm, OperatorOptions options) {
        if (jm == null) {
            return null;
        }
        if (jm.getReplicas() != null && jm.getReplicas() < 1) {
            return "JobManager replicas should not be configured less than one.";
        }
        if (jm.getReplicas() != null && jm.getReplicas() > 1 && !options.haEnabled()) {
            return "High availability should be enabled when starting standby JobManagers.";
        }
        return validateResource("JobManager", jm.getResource());
    }

    private static String validateTaskManager(TaskManagerSpec tm) {
        if (tm == null) {
            return null;
        }
        if (tm.getReplicas() != null && tm.getReplicas() < 1) {
            return "TaskManager replicas should not be configured less than one.";
        }
        return validateResource("TaskManager", tm.getResource());
    }

    private static String validateResource(String component, Resource resource) {
        if (resource == null) {
            return null;
        }
        if (resource.getCpu() != null && resource.getCpu() <= 0) {
            return component + " resource cpu must be larger than 0, was " + resource.getCpu();
        }
        if (resource.getMemory() != null) {
            try {
                if (Quantity.getAmountInBytes(new Quantity(flinkToKubernetesMemory(resource.getMemory()))).signum() <= 0) {
                    return component + " resource memory must be larger than 0, was " + resource.getMemory();
                }
            } catch (RuntimeException e) {
                return component + " resource memory parse error: '" + resource.getMemory() + "' is not a memory size";
            }
        }
        return null;
    }

    /** Flink writes 2g / 2048m / 1gb; Kubernetes quantities are 2Gi / 2048Mi. */
    public static String flinkToKubernetesMemory(String memory) {
        String m = memory.trim().replace(" ", "");
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        for (String[] unit : new String[][] {{"kb", "Ki"}, {"mb", "Mi"}, {"gb", "Gi"}, {"tb", "Ti"}, {"k", "Ki"}, {"m", "Mi"}, {"g", "Gi"}, {"t", "Ti"}}) {
            if (lower.endsWith(unit[0]) && !lower.endsWith("i" + unit[0])) {
                return m.substring(0, m.length() - unit[0].length()) + unit[1];
            }
        }
        return m;
    }

    private static String validateJob(JobSpec job, OperatorOptions options) {
        if (blank(job.getJarURI())) {
            return "Jar URI must be defined";
        }
        if (job.getParallelism() == null || job.getParallelism() < 1) {
            return "Job parallelism must be larger than 0";
        }
        UpgradeMode mode = job.getUpgradeMode() == null ? UpgradeMode.STATELESS : job.getUpgradeMode();
        if (mode != UpgradeMode.STATELESS && options.checkpointsDir().isEmpty()) {
            return "Checkpoint directory[" + OperatorOptions.CHECKPOINTS_DIR
                    + "] must be defined for last-state and savepoint upgrade modes";
        }
        if (mode == UpgradeMode.LAST_STATE && !options.haEnabled()) {
            return "Job could not be upgraded with last-state while HA disabled";
        }
        if (mode == UpgradeMode.SAVEPOINT && options.savepointDir().isEmpty()) {
            return "Job could not be upgraded with savepoint while config key[" + OperatorOptions.SAVEPOINT_DIR + "] is not set";
        }
        if (!options.periodicSavepointInterval().isZero() && options.savepointDir().isEmpty()) {
            return "Periodic savepoints cannot be enabled when config key[" + OperatorOptions.SAVEPOINT_DIR + "] is not set";
        }
        if (job.getSavepointTriggerNonce() != null && options.savepointDir().isEmpty()) {
            return "Savepoints cannot be triggered (job.savepointTriggerNonce) when config key["
                    + OperatorOptions.SAVEPOINT_DIR + "] is not set";
        }
        return null;
    }

    private static String validateHaAndRollback(OperatorOptions options) {
        if (options.rollbackEnabled() && !options.haEnabled()) {
            return "HA must be enabled for rollback support.";
        }
        if (options.haEnabled() && blank(options.asMap().get(OperatorOptions.HA_STORAGE_DIR))) {
            return "Config key[" + OperatorOptions.HA_STORAGE_DIR + "] must be defined when high availability is enabled";
        }
        return null;
    }

    private static String validateSpecChange(FlinkDeploymentSpec spec, FlinkDeploymentSpec lastSpec) {
        KubernetesDeploymentMode was = mode(lastSpec);
        KubernetesDeploymentMode now = mode(spec);
        if (was != now) {
            return was == KubernetesDeploymentMode.NATIVE
                    ? "Cannot switch from native kubernetes to standalone mode"
                    : "Cannot switch from standalone kubernetes to native mode";
        }
        if (lastSpec.getJob() == null && spec.getJob() != null) {
            return "Cannot switch from session to job cluster";
        }
        if (lastSpec.getJob() != null && spec.getJob() == null) {
            return "Cannot switch from job to session cluster";
        }
        return null;
    }

    /** The spec's mode; Flink's default when unset: native. */
    public static KubernetesDeploymentMode mode(FlinkDeploymentSpec spec) {
        return spec.getMode() == null ? KubernetesDeploymentMode.NATIVE : spec.getMode();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @SafeVarargs
    private static Optional<String> first(java.util.function.Supplier<String>... checks) {
        for (var check : checks) {
            String problem = check.get();
            if (problem != null) {
                return Optional.of(problem);
            }
        }
        return Optional.empty();
    }
}
