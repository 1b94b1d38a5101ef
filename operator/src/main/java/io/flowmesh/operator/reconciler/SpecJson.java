package io.flowmesh.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Specs as the JSON kept in {@code status.reconciliationStatus.lastReconciledSpec} /
 * {@code lastStableSpec}, and the spec comparison that decides whether a change needs an upgrade:
 * {@code job.savepointTriggerNonce} and {@code job.checkpointTriggerNonce} do not (they trigger
 * snapshots), every other field does.
 */
public final class SpecJson {
    private SpecJson() {}

    public static String write(Object spec) {
        return Serialization.asJson(spec);
    }

    public static <T> T read(String json, Class<T> type) {
        return json == null ? null : Serialization.unmarshal(json, type);
    }

    /** True when {@code spec} differs from the spec in {@code json} in a field that needs an upgrade. */
    public static boolean upgradeNeeded(Object spec, String json) {
        // both through JSON text, so that a Long 1 and an int 1 compare equal
        return !withoutNonces(read(write(spec), JsonNode.class)).equals(withoutNonces(read(json, JsonNode.class)));
    }

    private static JsonNode withoutNonces(JsonNode spec) {
        JsonNode copy = spec.deepCopy();
        if (copy.get("job") instanceof ObjectNode job) {
            job.remove("savepointTriggerNonce");
            job.remove("checkpointTriggerNonce");
        }
        return copy;
    }
}
