package io.flowmesh.operator.service;

/** Outcome of a triggered savepoint, as polled. {@code location} is set once COMPLETED, {@code failureCause} once FAILED. */
public record SavepointResult(Status status, String location, String failureCause) {
    public enum Status { PENDING, COMPLETED, FAILED }

    public static SavepointResult pending() {
        return new SavepointResult(Status.PENDING, null, null);
    }

    public static SavepointResult completed(String location) {
        return new SavepointResult(Status.COMPLETED, location, null);
    }

    public static SavepointResult failed(String cause) {
        return new SavepointResult(Status.FAILED, null, cause);
    }
}
