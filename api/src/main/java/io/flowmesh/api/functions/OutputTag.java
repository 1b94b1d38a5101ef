package io.flowmesh.api.functions;

import java.io.Serializable;
import java.util.Objects;

/** Names a side output, as Flink's {@code OutputTag}: {@code new OutputTag<String>("late-data") {}} or {@code new OutputTag<>("late-data")}. */
public class OutputTag<T> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String id;

    public OutputTag(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("an OutputTag needs a non-blank id");
        }
        this.id = id;
    }

    public String getId() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutputTag<?> t && t.id.equals(id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id);
    }

    @Override
    public String toString() {
        return "OutputTag(" + id + ")";
    }
}
