package io.flowmesh.cluster.checkpoint;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as Flink writes them: {@code 500}, {@code 500 ms}, {@code 1s}, {@code 10 min}, {@code 1 h}, {@code 2d}. */
public final class FlinkDurations {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([a-z]*)");

    private FlinkDurations() {}

    /** @throws IllegalArgumentException naming {@code key} and the value when it is not a duration */
    public static Duration parse(String key, String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("configuration key " + key + ": '" + value + "' is not a duration (e.g. 500 ms, 10 s, 1 min)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "", "ms", "milli", "millis", "millisecond", "milliseconds" -> Duration.ofMillis(n);
            case "s", "sec", "secs", "second", "seconds" -> Duration.ofSeconds(n);
            case "m", "min", "mins", "minute", "minutes" -> Duration.ofMinutes(n);
            case "h", "hour", "hours" -> Duration.ofHours(n);
            case "d", "day", "days" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("configuration key " + key + ": '" + value + "' has an unknown time unit '" + m.group(2)
                    + "' (ms, s, min, h, d)");
        };
    }
}
