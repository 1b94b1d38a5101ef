package io.flowmesh.dispatcher.rest.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A reader of the Prometheus text exposition format (version 0.0.4), as Quarkus' Micrometer
 * registry writes it at {@code /q/metrics}: {@code name{label="value",...} value [timestamp]} lines,
 * {@code #} comments, label values with {@code \\}, {@code \"} and {@code \n} escapes, values that
 * Java's {@link Double#parseDouble} reads plus {@code +Inf}, {@code -Inf} and {@code NaN}.
 *
 * <p>Hand-written because the Prometheus Java libraries write this format but do not read it; the
 * format is small and line-based. A line that does not parse is skipped (a scrape is best effort).
 */
public final class PrometheusText {
    private PrometheusText() {}

    /** One sample: metric name, labels (in the order written), value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    /** The samples of {@code text} whose metric name {@code wanted} accepts. */
    public static List<Sample> parse(String text, Predicate<String> wanted) {
        List<Sample> samples = new ArrayList<>();
        int start = 0;
        int length = text.length();
        while (start < length) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            Sample s = parseLine(text, start, end, wanted);
            if (s != null) {
                samples.add(s);
            }
            start = end + 1;
        }
        return samples;
    }

    private static Sample parseLine(String text, int start, int end, Predicate<String> wanted) {
        int i = start;
        while (i < end && text.charAt(i) == ' ') {
            i++;
        }
        if (i >= end || text.charAt(i) == '#') {
            return null;
        }
        int nameStart = i;
        while (i < end && text.charAt(i) != '{' && text.charAt(i) != ' ') {
            i++;
        }
        String name = text.substring(nameStart, i);
        if (!wanted.test(name)) {
            return null;
        }
        Map<String, String> labels = Collections.emptyMap();
        if (i < end && text.charAt(i) == '{') {
            labels = new LinkedHashMap<>();
            i++;
            while (i < end && text.charAt(i) != '}') {
                int eq = text.indexOf('=', i);
                if (eq < 0 || eq >= end || eq + 1 >= end || text.charAt(eq + 1) != '"') {
                    return null;
                }
                String key = text.substring(i, eq).trim();
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (j < end && text.charAt(j) != '"') {
                    char c = text.charAt(j);
                    if (c == '\\' && j + 1 < end) {
                        char n = text.charAt(++j);
                        value.append(n == 'n' ? '\n' : n);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                if (j >= end) {
                    return null;
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (i < end && text.charAt(i) == ',') {
                    i++;
                }
            }
            if (i >= end) {
                return null;
            }
            i++;
        }
        while (i < end && text.charAt(i) == ' ') {
            i++;
        }
        int valueEnd = i;
        while (valueEnd < end && text.charAt(valueEnd) != ' ' && text.charAt(valueEnd) != '\r') {
            valueEnd++;
        }
        try {
            return new Sample(name, labels, value(text.substring(i, valueEnd)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static double value(String v) {
        return switch (v) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }
}
