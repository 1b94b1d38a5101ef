package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * CPU and memory of the JobManager or TaskManager pods.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Resource {
    /** CPU cores, e.g. 1 or 0.5. */
    private Double cpu;
    /** Memory as a Kubernetes quantity or Flink size, e.g. 2048m or 2g. */
    private String memory;
    /** Ephemeral storage, e.g. 2G. */
    private String ephemeralStorage;

    public Double getCpu() { return cpu; }
    public void setCpu(Double cpu) { this.cpu = cpu; }
    public String getMemory() { return memory; }
    public void setMemory(String memory) { this.memory = memory; }
    public String getEphemeralStorage() { return ephemeralStorage; }
    public void setEphemeralStorage(String ephemeralStorage) { this.ephemeralStorage = ephemeralStorage; }
}
