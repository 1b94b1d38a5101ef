package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A savepoint's format.
 */
public enum SnapshotFormatType {
    /** Flowmesh's savepoint format (portable across parallelism changes). */
    @JsonProperty("CANONICAL")
    CANONICAL,
    /** A checkpoint's own format. */
    @JsonProperty("NATIVE")
    NATIVE,
    /** Not known. */
    @JsonProperty("UNKNOWN")
    UNKNOWN;
}
