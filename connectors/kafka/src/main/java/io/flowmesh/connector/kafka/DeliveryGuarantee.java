package io.flowmesh.connector.kafka;

/** What a {@link KafkaSink} promises about its records across failures, as Flink's {@code DeliveryGuarantee}. */
public enum DeliveryGuarantee {
    /**
     * No promise: records are sent as they come and only waited for at the end of the input; a
     * failure may lose what was sent but not yet acknowledged, and a restore may write records
     * again.
     */
    NONE,
    /**
     * Every record is acknowledged by the broker before a checkpoint completes (each barrier waits
     * for all records sent before it); a restore may write records again (duplicates).
     */
    AT_LEAST_ONCE,
    /**
     * Records are written in Kafka transactions that commit when the checkpoint that covers them
     * completes: a {@code read_committed} consumer sees every record exactly once, at the latency of
     * the checkpoint interval.
     */
    EXACTLY_ONCE
}
