package io.flowmesh.operator.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's view of a resource's {@code flinkConfiguration}: the Flink and Flink-operator keys
 * that drive reconciliation, with the Flink operator's defaults. Read-only; parse errors surface as
 * {@link IllegalArgumentException}s that name the key (the validator turns them into status errors).
 */
public final class OperatorOptions {
    public static final String CHECKPOINTS_DIR = "state.checkpoints.dir";
    public static final String CHECKPOINTS_DIR_V2 = "execution.checkpointing.dir";
    public static final String SAVEPOINT_DIR = "execution.checkpointing.savepoint-dir";
    public static final String SAVEPOINT_DIR_LEGACY = "state.savepoints.dir";
    public static final String HA_TYPE = "high-availability.type";
    public static final String HA_TYPE_LEGACY = "high-availability";
    public static final String HA_STORAGE_DIR = "high-availability.storageDir";
    public static final String PERIODIC_SAVEPOINT_INTERVAL = "kubernetes.operator.periodic.savepoint.interval";
    public static final String SAVEPOINT_HISTORY_MAX_COUNT = "kubernetes.operator.savepoint.history.max.count";
    public static final String SAVEPOINT_HISTORY_MAX_AGE = "kubernetes.operator.savepoint.history.max.age";
    public static final String READINESS_TIMEOUT = "kubernetes.operator.deployment.readiness.timeout";
    public static final String ROLLBACK_ENABLED = "kubernetes.operator.deployment.rollback.enabled";
    public static final String LAST_STATE_FALLBACK = "kubernetes.operator.job.upgrade.last-state-fallback.enabled";
    public static final String SAVEPOINT_ON_DELETION = "kubernetes.operator.job.savepoint-on-deletion";
    public static final String TASK_SLOTS = "taskmanager.numberOfTaskSlots";

    private final Map<String, String> conf;

    public OperatorOptions(Map<String, String> conf) {
        this.conf = conf == null ? Map.of() : Map.copyOf(conf);
    }

    public Map<String, String> asMap() {
        return conf;
    }

    public Optional<String> checkpointsDir() {
        return first(CHECKPOINTS_DIR, CHECKPOINTS_DIR_V2);
    }

    public Optional<String> savepointDir() {
        return first(SAVEPOINT_DIR, SAVEPOINT_DIR_LEGACY);
    }

    /** HA is on when {@code high-availability.type} (or the legacy key) names kubernetes or zookeeper. */
    public boolean haEnabled() {
        return first(HA_TYPE, HA_TYPE_LEGACY)
                .map(v -> v.trim().toLowerCase(Locale.ROOT))
                .filter(v -> !v.equals("none") && !v.isEmpty())
                .isPresent();
    }

    /** Zero when periodic savepoints are off (the Flink operator's default). */
    public Duration periodicSavepointInterval() {
        return duration(PERIODIC_SAVEPOINT_INTERVAL, Duration.ZERO);
    }

    public int savepointHistoryMaxCount() {
        return integer(SAVEPOINT_HISTORY_MAX_COUNT, 10);
    }

    public Duration savepointHistoryMaxAge() {
        return duration(SAVEPOINT_HISTORY_MAX_AGE, Duration.ofHours(24));
    }

    public Duration readinessTimeout() {
        return duration(READINESS_TIMEOUT, Duration.ofMinutes(5));
    }

    public boolean rollbackEnabled() {
        return bool(ROLLBACK_ENABLED, false);
    }

    public boolean lastStateFallbackEnabled() {
        return bool(LAST_STATE_FALLBACK, true);
    }

    public boolean savepointOnDeletion() {
        return bool(SAVEPOINT_ON_DELETION, false);
    }

    public int taskSlots() {
        return integer(TASK_SLOTS, 1);
    }

    /** Parses every key this class reads; the first problem, naming the key, or empty. */
    public Optional<String> problem() {
        try {
            periodicSavepointInterval();
            savepointHistoryMaxCount();
            savepointHistoryMaxAge();
            readinessTimeout();
            rollbackEnabled();
            lastStateFallbackEnabled();
            savepointOnDeletion();
            if (taskSlots() < 1) {
                return Optional.of("Invalid value for config key[" + TASK_SLOTS + "]: must be at least 1");
            }
            if (savepointHistoryMaxCount() < 1) {
                return Optional.of("Invalid value for config key[" + SAVEPOINT_HISTORY_MAX_COUNT + "]: must be at least 1");
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private Optional<String> first(String key, String alternative) {
        String v = conf.get(key);
        if (v == null || v.isBlank()) {
            v = conf.get(alternative);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private Duration duration(String key, Duration def) {
        String v = conf.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            return FlinkDurations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid value for config key[" + key + "]: " + e.getMessage());
        }
    }

    private int integer(String key, int def) {
        String v = conf.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value for config key[" + key + "]: '" + v + "' is not an integer");
        }
    }

    private boolean bool(String key, boolean def) {
        String v = conf.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        if (!t.equals("true") && !t.equals("false")) {
            throw new IllegalArgumentException("Invalid value for config key[" + key + "]: '" + v + "' is not true or false");
        }
        return Boolean.parseBoolean(t);
    }
}
