package io.flowmesh.bench.results;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The one JSON line a benchmark run prints ({@code BENCHMARKS.md}, "Output of one run"): fields in
 * the order they are added, no spaces, integers as integers, decimals with a fixed number of
 * fraction digits (never in exponent notation), strings escaped.
 *
 * <pre>{@code
 * {"workload":"W2","engine":"flowmesh-0.1.0-SNAPSHOT","records":100000000,"seconds":20.512,...}
 * }</pre>
 */
public final class JsonLine {
    private final List<String> fields = new ArrayList<>();

    public JsonLine add(String name, String value) {
        fields.add(quote(name) + ":" + (value == null ? "null" : quote(value)));
        return this;
    }

    public JsonLine add(String name, long value) {
        fields.add(quote(name) + ":" + value);
        return this;
    }

    public JsonLine add(String name, boolean value) {
        fields.add(quote(name) + ":" + value);
        return this;
    }

    /** A decimal rounded half-up to {@code fractionDigits} digits. */
    public JsonLine add(String name, double value, int fractionDigits) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            fields.add(quote(name) + ":null");
        } else {
            fields.add(quote(name) + ":" + BigDecimal.valueOf(value).setScale(fractionDigits, RoundingMode.HALF_UP).toPlainString());
        }
        return this;
    }

    /** An array of decimals, each rounded to {@code fractionDigits}. */
    public JsonLine add(String name, double[] values, int fractionDigits) {
        StringBuilder b = new StringBuilder(quote(name)).append(":[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(BigDecimal.valueOf(values[i]).setScale(fractionDigits, RoundingMode.HALF_UP).toPlainString());
        }
        fields.add(b.append(']').toString());
        return this;
    }

    @Override
    public String toString() {
        return "{" + String.join(",", fields) + "}";
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
