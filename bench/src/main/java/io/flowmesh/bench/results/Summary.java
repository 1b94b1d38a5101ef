package io.flowmesh.bench.results;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one sink subtask of a benchmark job reports at the end of its input: a few named values,
 * written to the results topic as {@code name=value;name=value;} (ASCII). Every summary carries the
 * sink subtask's {@code subtask} and {@code parallelism}, so that the reader knows how many to wait for.
 */
public final class Summary {
    /** Where benchmark jobs write their summaries; the Kafka key of each is the run id. */
    public static final String TOPIC = "flowmesh-bench-results";
    public static final String SUBTASK = "subtask";
    public static final String PARALLELISM = "parallelism";

    private final Map<String, String> values;

    private Summary(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static Builder builder(int subtask, int parallelism) {
        return new Builder().put(SUBTASK, subtask).put(PARALLELISM, parallelism);
    }

    /** Parses {@link #toText()}; {@link IllegalArgumentException} names what is malformed. */
    public static Summary parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not a benchmark summary (expected name=value;...): '" + text + "'");
            }
            values.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        if (!values.containsKey(SUBTASK) || !values.containsKey(PARALLELISM)) {
            throw new IllegalArgumentException("benchmark summary without subtask and parallelism: '" + text + "'");
        }
        return new Summary(values);
    }

    public static Summary parse(byte[] bytes) {
        return parse(new String(bytes, StandardCharsets.US_ASCII));
    }

    public int subtask() {
        return (int) getLong(SUBTASK);
    }

    public int parallelism() {
        return (int) getLong(PARALLELISM);
    }

    public long getLong(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("benchmark summary of subtask " + values.get(SUBTASK) + " has no '" + name + "'");
        }
        return Long.parseLong(v);
    }

    public String get(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("benchmark summary of subtask " + values.get(SUBTASK) + " has no '" + name + "'");
        }
        return v;
    }

    public Map<String, String> values() {
        return values;
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(k).append('=').append(v).append(';'));
        return b.toString();
    }

    public byte[] toBytes() {
        return toText().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return toText();
    }

    /** Collects the values in order; names and values must not contain {@code ;} or {@code =}. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();

        public Builder put(String name, long value) {
            return put(name, Long.toString(value));
        }

        public Builder put(String name, String value) {
            if (name.contains(";") || name.contains("=") || value.contains(";") || value.contains("=")) {
                throw new IllegalArgumentException("summary names and values must not contain ';' or '=': " + name + "=" + value);
            }
            values.put(name, value);
            return this;
        }

        public Summary build() {
            return new Summary(new LinkedHashMap<>(values));
        }
    }
}
