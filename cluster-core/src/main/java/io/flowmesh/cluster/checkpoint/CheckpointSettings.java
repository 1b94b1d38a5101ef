package io.flowmesh.cluster.checkpoint;

import io.flowmesh.proto.CheckpointingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A job's checkpointing settings, from its configuration with Flink's keys and defaults.
 *
 * @param interval {@code execution.checkpointing.interval}; empty: checkpointing is off
 * @param timeout {@code execution.checkpointing.timeout} (10 min): a checkpoint not complete by then is aborted
 * @param minPause {@code execution.checkpointing.min-pause} (0): from the end of one checkpoint to the next trigger
 * @param maxConcurrent {@code execution.checkpointing.max-concurrent-checkpoints} (1; only 1 is supported)
 * @param tolerableFailures {@code execution.checkpointing.tolerable-failed-checkpoints} (0): consecutive
 *     failed checkpoints the job survives; one more fails the job
 * @param numRetained {@code execution.checkpointing.num-retained} (1): completed checkpoints kept
 * @param mode {@code execution.checkpointing.mode} (EXACTLY_ONCE)
 * @param checkpointsDir {@code execution.checkpointing.dir} or {@code state.checkpoints.dir}: an
 *     {@code s3://bucket/prefix}; else the cluster's default
 * @param savepointDir {@code execution.checkpointing.savepoint-dir} or {@code state.savepoints.dir}; else the cluster's default
 */
public record CheckpointSettings(Optional<Duration> interval, Duration timeout, Duration minPause, int maxConcurrent, int tolerableFailures,
        int numRetained, CheckpointingMode mode, String checkpointsDir, String savepointDir) {

    public static final String INTERVAL = "execution.checkpointing.interval";
    public static final String TIMEOUT = "execution.checkpointing.timeout";
    public static final String MIN_PAUSE = "execution.checkpointing.min-pause";
    public static final String MAX_CONCURRENT = "execution.checkpointing.max-concurrent-checkpoints";
    public static final String TOLERABLE_FAILED = "execution.checkpointing.tolerable-failed-checkpoints";
    public static final String NUM_RETAINED = "execution.checkpointing.num-retained";
    public static final String MODE = "execution.checkpointing.mode";
    public static final String DIR = "execution.checkpointing.dir";
    public static final String LEGACY_DIR = "state.checkpoints.dir";
    public static final String SAVEPOINT_DIR = "execution.checkpointing.savepoint-dir";
    public static final String LEGACY_SAVEPOINT_DIR = "state.savepoints.dir";

    public boolean enabled() {
        return interval.isPresent();
    }

    /**
     * @param defaultCheckpointsDir the cluster's {@code s3://bucket/prefix} for checkpoints
     * @param defaultSavepointDir the cluster's {@code s3://bucket/prefix} for savepoints
     * @throws IllegalArgumentException naming the key and value that is malformed or unsupported
     */
    public static CheckpointSettings of(Map<String, String> conf, String defaultCheckpointsDir, String defaultSavepointDir) {
        Optional<Duration> interval = Optional.ofNullable(conf.get(INTERVAL)).map(v -> FlinkDurations.parse(INTERVAL, v));
        if (interval.isPresent() && interval.get().toMillis() < 10) {
            throw new IllegalArgumentException("configuration key " + INTERVAL + ": the interval must be at least 10 ms, was " + conf.get(INTERVAL));
        }
        Duration timeout = duration(conf, TIMEOUT, Duration.ofMinutes(10));
        Duration minPause = duration(conf, MIN_PAUSE, Duration.ZERO);
        int maxConcurrent = integer(conf, MAX_CONCURRENT, 1);
        if (maxConcurrent != 1) {
            throw new IllegalArgumentException("configuration key " + MAX_CONCURRENT + ": only 1 is supported, was " + maxConcurrent);
        }
        int tolerable = integer(conf, TOLERABLE_FAILED, 0);
        int retained = integer(conf, NUM_RETAINED, 1);
        if (retained < 1) {
            throw new IllegalArgumentException("configuration key " + NUM_RETAINED + ": must be at least 1, was " + retained);
        }
        String modeValue = conf.getOrDefault(MODE, "EXACTLY_ONCE").trim().toUpperCase(Locale.ROOT).replace('-', '_');
        CheckpointingMode mode = switch (modeValue) {
            case "EXACTLY_ONCE" -> CheckpointingMode.EXACTLY_ONCE;
            case "AT_LEAST_ONCE" -> CheckpointingMode.AT_LEAST_ONCE;
            default -> throw new IllegalArgumentException("configuration key " + MODE + ": '" + conf.get(MODE) + "' is not EXACTLY_ONCE or AT_LEAST_ONCE");
        };
        String dir = directory(conf, DIR, LEGACY_DIR, defaultCheckpointsDir);
        String savepointDir = directory(conf, SAVEPOINT_DIR, LEGACY_SAVEPOINT_DIR, defaultSavepointDir);
        return new CheckpointSettings(interval, timeout, minPause, maxConcurrent, tolerable, retained, mode, dir, savepointDir);
    }

    private static Duration duration(Map<String, String> conf, String key, Duration fallback) {
        String v = conf.get(key);
        return v == null ? fallback : FlinkDurations.parse(key, v);
    }

    private static int integer(Map<String, String> conf, String key, int fallback) {
        String v = conf.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration key " + key + ": '" + v + "' is not a non-negative integer");
        }
    }

    private static String directory(Map<String, String> conf, String key, String legacyKey, String fallback) {
        String k = conf.containsKey(key) ? key : legacyKey;
        String v = conf.get(k);
        if (v == null) {
            return stripSlash(fallback);
        }
        if (!v.startsWith("s3://") || v.length() <= "s3://".length()) {
            throw new IllegalArgumentException("configuration key " + k + ": '" + v + "' is not an s3://bucket/prefix URI");
        }
        return stripSlash(v);
    }

    private static String stripSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
