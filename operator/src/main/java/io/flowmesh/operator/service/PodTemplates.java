package io.flowmesh.operator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Iterator;
import java.util.Map;

/**
 * Merges pod templates as the Flink operator does for {@code spec.podTemplate} and
 * {@code jobManager/taskManager.podTemplate}: objects field by field (the override wins on
 * scalars), lists of named items (containers, volumes, env, ports) item by item by name, other
 * lists replaced. Pure functions; inputs are not changed.
 */
public final class PodTemplates {
    private PodTemplates() {}

    /** {@code override} over {@code base}; either may be null. */
    public static Pod merge(Pod base, Pod override) {
        if (base == null && override == null) {
            return new Pod();
        }
        if (base == null || override == null) {
            return Serialization.clone(base == null ? override : base);
        }
        JsonNode merged = merge(Serialization.jsonMapper().valueToTree(base), Serialization.jsonMapper().valueToTree(override));
        return Serialization.jsonMapper().convertValue(merged, Pod.class);
    }

    static JsonNode merge(JsonNode base, JsonNode override) {
        if (base instanceof ObjectNode b && override instanceof ObjectNode o) {
            ObjectNode out = b.deepCopy();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), out.has(e.getKey()) ? merge(out.get(e.getKey()), e.getValue()) : e.getValue().deepCopy());
            }
            return out;
        }
        if (base instanceof ArrayNode b && override instanceof ArrayNode o && named(b) && named(o)) {
            ArrayNode out = b.deepCopy();
            for (JsonNode item : o) {
                int at = indexOf(out, item.get("name").asText());
                if (at < 0) {
                    out.add(item.deepCopy());
                } else {
                    out.set(at, merge(out.get(at), item));
                }
            }
            return out;
        }
        return override.deepCopy();
    }

    private static boolean named(ArrayNode array) {
        for (JsonNode item : array) {
            if (!item.isObject() || !item.hasNonNull("name")) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(ArrayNode array, String name) {
        for (int i = 0; i < array.size(); i++) {
            if (name.equals(array.get(i).get("name").asText())) {
                return i;
            }
        }
        return -1;
    }
}
