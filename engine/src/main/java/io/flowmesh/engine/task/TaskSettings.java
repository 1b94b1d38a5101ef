package io.flowmesh.engine.task;

import java.util.Map;

/**
 * Data-plane settings of a subtask.
 *
 * @param bufferSize bytes per network buffer (Flink: {@code taskmanager.memory.segment-size}, 32 KiB)
 * @param bufferTimeoutMillis the longest a partly filled buffer waits before it is sent
 *     ({@code execution.buffer-timeout}); a consumer also sends all partial buffers whenever its input
 *     runs dry, so latency stays low without a short timeout
 * @param creditsPerChannel buffers a remote input channel grants its producer
 * @param maxWatermarkDriftMillis how far (event time) one input channel's watermark may run ahead of
 *     the slowest input's in a subtask with event-time windows before that channel is held back
 *     ({@value #MAX_WATERMARK_DRIFT_KEY}, default 1 s; negative: never held back)
 */
public record TaskSettings(int bufferSize, long bufferTimeoutMillis, int creditsPerChannel, long maxWatermarkDriftMillis) {
    public static final String MAX_WATERMARK_DRIFT_KEY = "flowmesh.input.max-watermark-drift";
    public static final TaskSettings DEFAULTS = new TaskSettings(32 * 1024, 100, 8);

    public TaskSettings(int bufferSize, long bufferTimeoutMillis, int creditsPerChannel) {
        this(bufferSize, bufferTimeoutMillis, creditsPerChannel, 1000);
    }

    /** Applies the job's configuration (Flink keys) over these settings. */
    public TaskSettings withJobConfiguration(Map<String, String> conf) {
        long timeout = bufferTimeoutMillis;
        String t = conf.get("execution.buffer-timeout");
        if (t != null) {
            timeout = parseMillis("execution.buffer-timeout", t);
        }
        long drift = maxWatermarkDriftMillis;
        String d = conf.get(MAX_WATERMARK_DRIFT_KEY);
        if (d != null) {
            drift = d.trim().startsWith("-") ? -1 : parseMillis(MAX_WATERMARK_DRIFT_KEY, d);
        }
        return new TaskSettings(bufferSize, timeout, creditsPerChannel, drift);
    }

    public static long parseMillis(String key, String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Long.parseLong(v.substring(0, v.length() - 2).trim());
            } else if (v.endsWith("s")) {
                return Long.parseLong(v.substring(0, v.length() - 1).trim()) * 1000;
            }
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration key " + key + ": '" + value + "' is not a duration (e.g. 100 ms)");
        }
    }
}
