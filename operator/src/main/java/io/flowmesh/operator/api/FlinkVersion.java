package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The Flink version a deployment was written for; Flowmesh accepts the Flink operator's values and
 * runs them all the same way.
 */
public enum FlinkVersion {
    /** Flink 1.13 */
    @JsonProperty("v1_13")
    v1_13,
    /** Flink 1.14 */
    @JsonProperty("v1_14")
    v1_14,
    /** Flink 1.15 */
    @JsonProperty("v1_15")
    v1_15,
    /** Flink 1.16 */
    @JsonProperty("v1_16")
    v1_16,
    /** Flink 1.17 */
    @JsonProperty("v1_17")
    v1_17,
    /** Flink 1.18 */
    @JsonProperty("v1_18")
    v1_18,
    /** Flink 1.19 */
    @JsonProperty("v1_19")
    v1_19,
    /** Flink 1.20 */
    @JsonProperty("v1_20")
    v1_20,
    /** Flink 2.0 */
    @JsonProperty("v2_0")
    v2_0,
    /** Flink 2.1 */
    @JsonProperty("v2_1")
    v2_1;
}
