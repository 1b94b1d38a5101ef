package io.flowmesh.dispatcher.plan;

import io.grpc.Status;

/** A program whose pipeline could not be extracted; carries the gRPC status to answer with. */
public final class PlanExtractionException extends Exception {
    private final Status.Code code;

    public PlanExtractionException(Status.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }
}
