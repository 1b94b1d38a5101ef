package io.flowmesh.dispatcher.rest;

/** A refusal of a REST request: answered with {@code status} and {@code {"errors":[message]}}, as Flink does. */
public final class RestException extends RuntimeException {
    private final int status;

    public RestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static RestException badRequest(String message) {
        return new RestException(400, message);
    }

    public static RestException notFound(String message) {
        return new RestException(404, message);
    }
}
