package io.flowmesh.operator.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as Flink's configuration writes them: a number and an optional unit, with or
 * without a space ({@code 1h}, {@code 10 min}, {@code 30s}, {@code 500ms}, {@code 2d}); a bare
 * number is milliseconds, as in Flink's {@code TimeUtils.parseDuration}.
 */
public final class FlinkDurations {
    private static final Pattern FORMAT = Pattern.compile("^\\s*(\\d+)\\s*([a-zA-Zµ]*)\\s*$");

    private FlinkDurations() {}

    /** @throws IllegalArgumentException naming the text when it is not a duration */
    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 30s, 10 min, 1h, 2d)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        switch (unit) {
            case "": case "ms": case "milli": case "millis": case "millisecond": case "milliseconds":
                return Duration.ofMillis(n);
            case "s": case "sec": case "secs": case "second": case "seconds":
                return Duration.ofSeconds(n);
            case "m": case "min": case "mins": case "minute": case "minutes":
                return Duration.ofMinutes(n);
            case "h": case "hour": case "hours":
                return Duration.ofHours(n);
            case "d": case "day": case "days":
                return Duration.ofDays(n);
            default:
                throw new IllegalArgumentException("'" + text + "' has an unknown time unit '" + unit
                        + "' (ms, s, min, h, d)");
        }
    }
}
