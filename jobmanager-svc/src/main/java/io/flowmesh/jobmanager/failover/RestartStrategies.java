package io.flowmesh.jobmanager.failover;

import io.flowmesh.cluster.checkpoint.CheckpointSettings;
import io.flowmesh.cluster.checkpoint.FlinkDurations;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Reads a job's restart strategy from its configuration, with Flink's keys, aliases and defaults.
 * {@code restart-strategy.type} is {@code none} (aliases {@code off}, {@code disable}),
 * {@code fixed-delay} ({@code fixeddelay}), {@code failure-rate} ({@code failurerate}) or
 * {@code exponential-delay} ({@code exponentialdelay}); when unset, {@code exponential-delay} if
 * {@code execution.checkpointing.interval} is set, else {@code none}. Only the keys of the chosen
 * type are read. Called at submission, so a malformed value refuses the job.
 */
public final class RestartStrategies {
    public static final String TYPE = "restart-strategy.type";
    public static final String FIXED_DELAY_ATTEMPTS = "restart-strategy.fixed-delay.attempts";
    public static final String FIXED_DELAY_DELAY = "restart-strategy.fixed-delay.delay";
    public static final String FAILURE_RATE_MAX_FAILURES = "restart-strategy.failure-rate.max-failures-per-interval";
    public static final String FAILURE_RATE_INTERVAL = "restart-strategy.failure-rate.failure-rate-interval";
    public static final String FAILURE_RATE_DELAY = "restart-strategy.failure-rate.delay";
    public static final String EXP_INITIAL_BACKOFF = "restart-strategy.exponential-delay.initial-backoff";
    public static final String EXP_MAX_BACKOFF = "restart-strategy.exponential-delay.max-backoff";
    public static final String EXP_MULTIPLIER = "restart-strategy.exponential-delay.backoff-multiplier";
    public static final String EXP_RESET_THRESHOLD = "restart-strategy.exponential-delay.reset-backoff-threshold";
    public static final String EXP_JITTER = "restart-strategy.exponential-delay.jitter-factor";
    public static final String EXP_ATTEMPTS = "restart-strategy.exponential-delay.attempts-before-reset-backoff";

    private RestartStrategies() {}

    /** The factory for the job's configuration, with the system clock and random jitter. */
    public static RestartBackoffTimeStrategy.Factory fromConfiguration(Map<String, String> conf) {
        return fromConfiguration(conf, System::currentTimeMillis,
                bound -> ThreadLocalRandom.current().nextLong(-bound, bound + 1));
    }

    /**
     * @param clock milliseconds, for the strategies that look at time
     * @param jitter the exponential-delay jitter source
     * @throws IllegalArgumentException naming the key and the value that is malformed or out of range
     */
    public static RestartBackoffTimeStrategy.Factory fromConfiguration(Map<String, String> conf, LongSupplier clock,
            ExponentialDelayRestartBackoffTimeStrategy.Jitter jitter) {
        String type = conf.get(TYPE);
        String normalized = type == null
                ? (conf.containsKey(CheckpointSettings.INTERVAL) ? "exponential-delay" : "none")
                : type.trim().toLowerCase(Locale.ROOT);
        switch (normalized) {
            case "none", "off", "disable" -> {
                return NoRestartBackoffTimeStrategy::new;
            }
            case "fixed-delay", "fixeddelay" -> {
                int attempts = integer(conf, FIXED_DELAY_ATTEMPTS, 1, 0);
                long delay = duration(conf, FIXED_DELAY_DELAY, Duration.ofSeconds(1), 0);
                return () -> new FixedDelayRestartBackoffTimeStrategy(attempts, delay);
            }
            case "failure-rate", "failurerate" -> {
                int max = integer(conf, FAILURE_RATE_MAX_FAILURES, 1, 1);
                long interval = duration(conf, FAILURE_RATE_INTERVAL, Duration.ofMinutes(1), 1);
                long delay = duration(conf, FAILURE_RATE_DELAY, Duration.ofSeconds(1), 0);
                return () -> new FailureRateRestartBackoffTimeStrategy(max, interval, delay, clock);
            }
            case "exponential-delay", "exponentialdelay" -> {
                long initial = duration(conf, EXP_INITIAL_BACKOFF, Duration.ofSeconds(1), 1);
                long max = duration(conf, EXP_MAX_BACKOFF, Duration.ofMinutes(1), 1);
                if (max < initial) {
                    throw new IllegalArgumentException("configuration key " + EXP_MAX_BACKOFF + ": '" + conf.getOrDefault(EXP_MAX_BACKOFF, "1 min")
                            + "' is less than " + EXP_INITIAL_BACKOFF + " (" + initial + " ms)");
                }
                double multiplier = decimal(conf, EXP_MULTIPLIER, 1.5);
                if (!(multiplier > 1)) {
                    throw new IllegalArgumentException("configuration key " + EXP_MULTIPLIER + ": '" + conf.get(EXP_MULTIPLIER) + "' must be greater than 1");
                }
                long threshold = duration(conf, EXP_RESET_THRESHOLD, Duration.ofHours(1), 1);
                double jitterFactor = decimal(conf, EXP_JITTER, 0.1);
                if (!(jitterFactor >= 0 && jitterFactor <= 1)) {
                    throw new IllegalArgumentException("configuration key " + EXP_JITTER + ": '" + conf.get(EXP_JITTER) + "' must be between 0 and 1");
                }
                int attempts = integer(conf, EXP_ATTEMPTS, Integer.MAX_VALUE, 0);
                return () -> new ExponentialDelayRestartBackoffTimeStrategy(initial, max, multiplier, threshold, jitterFactor, attempts, clock, jitter);
            }
            default -> throw new IllegalArgumentException("configuration key " + TYPE + ": '" + type
                    + "' is not a restart strategy (none, fixed-delay, failure-rate, exponential-delay)");
        }
    }

    private static int integer(Map<String, String> conf, String key, int fallback, int min) {
        String v = conf.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("configuration key " + key + ": '" + v + "' is not an integer of at least " + min);
    }

    private static long duration(Map<String, String> conf, String key, Duration fallback, long minMs) {
        String v = conf.get(key);
        long ms;
        try {
            ms = v == null ? fallback.toMillis() : FlinkDurations.parse(key, v).toMillis();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("configuration key " + key + ": '" + v + "' is out of range");
        }
        if (ms < minMs) {
            throw new IllegalArgumentException("configuration key " + key + ": '" + v + "' must be at least " + minMs + " ms");
        }
        return ms;
    }

    private static double decimal(Map<String, String> conf, String key, double fallback) {
        String v = conf.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("configuration key " + key + ": '" + v + "' is not a number");
    }
}
