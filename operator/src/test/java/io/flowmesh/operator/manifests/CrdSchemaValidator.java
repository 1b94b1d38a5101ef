package io.flowmesh.operator.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a custom resource against a CRD's structural openAPIV3Schema as the API server would:
 * every field must be declared (unless {@code x-kubernetes-preserve-unknown-fields} or
 * {@code additionalProperties}), types and enums must match, required fields must be there.
 * Returns the problems, each with its JSON path; empty when the resource is valid.
 */
final class CrdSchemaValidator {
    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private CrdSchemaValidator() {}

    static List<String> validate(JsonNode resource, JSONSchemaProps schema) {
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = resource.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (ROOT_FIELDS.contains(e.getKey())) {
                continue;
            }
            JSONSchemaProps field = schema.getProperties().get(e.getKey());
            if (field == null) {
                problems.add("." + e.getKey() + ": unknown field");
            } else {
                check(e.getValue(), field, "." + e.getKey(), problems);
            }
        }
        return problems;
    }

    private static void check(JsonNode value, JSONSchemaProps schema, String path, List<String> problems) {
        if (value.isNull()) {
            if (!Boolean.TRUE.equals(schema.getNullable())) {
                problems.add(path + ": null is not allowed");
            }
            return;
        }
        if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
            if (!value.isTextual() && !value.isIntegralNumber()) {
                problems.add(path + ": expected an integer or a string, got " + value.getNodeType());
            }
            return;
        }
        String type = schema.getType();
        if (type == null) {
            return;
        }
        switch (type) {
            case "object" -> checkObject(value, schema, path, problems);
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(path + ": expected an array, got " + value.getNodeType());
                } else if (schema.getItems() != null && schema.getItems().getSchema() != null) {
                    for (int i = 0; i < value.size(); i++) {
                        check(value.get(i), schema.getItems().getSchema(), path + "[" + i + "]", problems);
                    }
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(path + ": expected a string, got " + value.getNodeType() + " (quote it)");
                } else if (schema.getEnum() != null && !schema.getEnum().isEmpty()
                        && schema.getEnum().stream().noneMatch(e -> e.asText().equals(value.asText()))) {
                    problems.add(path + ": '" + value.asText() + "' is not one of " + schema.getEnum().stream().map(JsonNode::asText).toList());
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(path + ": expected an integer, got " + value.getNodeType());
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(path + ": expected a number, got " + value.getNodeType());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(path + ": expected a boolean, got " + value.getNodeType());
                }
            }
            default -> problems.add(path + ": schema type " + type + " is not known to this validator");
        }
    }

    private static void checkObject(JsonNode value, JSONSchemaProps schema, String path, List<String> problems) {
        if (!value.isObject()) {
            problems.add(path + ": expected an object, got " + value.getNodeType());
            return;
        }
        if (schema.getRequired() != null) {
            for (String required : schema.getRequired()) {
                if (!value.has(required)) {
                    problems.add(path + "." + required + ": required");
                }
            }
        }
        boolean preserve = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
        JSONSchemaProps additional = schema.getAdditionalProperties() == null ? null : schema.getAdditionalProperties().getSchema();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JSONSchemaProps field = schema.getProperties() == null ? null : schema.getProperties().get(e.getKey());
            if (field != null) {
                check(e.getValue(), field, path + "." + e.getKey(), problems);
            } else if (additional != null) {
                check(e.getValue(), additional, path + "." + e.getKey(), problems);
            } else if (!preserve) {
                problems.add(path + "." + e.getKey() + ": unknown field");
            }
        }
    }
}
