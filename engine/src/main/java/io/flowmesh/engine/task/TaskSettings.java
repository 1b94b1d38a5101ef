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
 * @param inlineStateThresholdBytes state files of at most this many bytes travel inside the
 *     checkpoint acknowledgement and the checkpoint's {@code _metadata} instead of as objects of their
 *     own ({@value #INLINE_STATE_THRESHOLD_KEY}, Flink's key and default 20 KiB; 0: always a file; at most
 *     256 KiB where Flink allows 1 MiB, because acknowledgements are Kafka records, 1 MB at most by
 *     Kafka's defaults, and one acknowledgement carries the inline files of a whole operator chain)
 */
public record TaskSettings(int bufferSize, long bufferTimeoutMillis, int creditsPerChannel, long maxWatermarkDriftMillis,
        int inlineStateThresholdBytes) {
    public static final String MAX_WATERMARK_DRIFT_KEY = "flowmesh.input.max-watermark-drift";
    public static final String INLINE_STATE_THRESHOLD_KEY = "state.storage.fs.memory-threshold";
    public static final int DEFAULT_INLINE_STATE_THRESHOLD = 20 * 1024;
    public static final int MAX_INLINE_STATE_THRESHOLD = 256 * 1024;
    public static final TaskSettings DEFAULTS = new TaskSettings(32 * 1024, 100, 8);

    public TaskSettings(int bufferSize, long bufferTimeoutMillis, int creditsPerChannel) {
        this(bufferSize, bufferTimeoutMillis, creditsPerChannel, 1000);
    }

    public TaskSettings(int bufferSize, long bufferTimeoutMillis, int creditsPerChannel, long maxWatermarkDriftMillis) {
        this(bufferSize, bufferTimeoutMillis, creditsPerChannel, maxWatermarkDriftMillis, DEFAULT_INLINE_STATE_THRESHOLD);
    }

    /**
     * Applies the job's configuration (Flink keys) over these settings.
     *
     * @throws IllegalArgumentException naming the key whose value is malformed or out of range
     */
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
        int inline = inlineStateThresholdBytes;
        String m = conf.get(INLINE_STATE_THRESHOLD_KEY);
        if (m != null) {
            long bytes = parseBytes(INLINE_STATE_THRESHOLD_KEY, m);
            if (bytes > MAX_INLINE_STATE_THRESHOLD) {
                throw new IllegalArgumentException("configuration key " + INLINE_STATE_THRESHOLD_KEY + ": at most 256 kb (inline state travels in Kafka records), was '" + m + "'");
            }
            inline = (int) bytes;
        }
        return new TaskSettings(bufferSize, timeout, creditsPerChannel, drift, inline);
    }

    /** A memory size as Flink writes it: {@code 20480}, {@code 20 kb}, {@code 20k}, {@code 1mb}, {@code 1 g} (units of 1024). */
    public static long parseBytes(String key, String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        int i = 0;
        while (i < v.length() && Character.isDigit(v.charAt(i))) {
            i++;
        }
        String unit = v.substring(i).trim();
        long factor = switch (unit) {
            case "", "b", "bytes" -> 1;
            case "k", "kb", "kibibytes" -> 1024;
            case "m", "mb", "mebibytes" -> 1024 * 1024;
            case "g", "gb", "gibibytes" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (i == 0 || factor < 0 || i > 12) {
            throw new IllegalArgumentException("configuration key " + key + ": '" + value + "' is not a memory size (e.g. 20 kb)");
        }
        return Long.parseLong(v.substring(0, i)) * factor;
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
