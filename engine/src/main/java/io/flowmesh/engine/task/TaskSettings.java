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
 */
public record TaskSettings(int bufferSize, long bufferTimeoutMillis, int creditsPerChannel) {
    public static final TaskSettings DEFAULTS = new TaskSettings(32 * 1024, 100, 8);

    /** Applies the job's configuration (Flink keys) over these settings. */
    public TaskSettings withJobConfiguration(Map<String, String> conf) {
        long timeout = bufferTimeoutMillis;
        String t = conf.get("execution.buffer-timeout");
        if (t != null) {
            timeout = parseMillis("execution.buffer-timeout", t);
        }
        return new TaskSettings(bufferSize, timeout, creditsPerChannel);
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
