package io.flowmesh.engine.graph;

/** A pipeline that cannot become a JobGraph; the message names the operator and the problem. */
public final class InvalidJobGraphException extends Exception {
    public InvalidJobGraphException(String message) {
        super(message);
    }

    public InvalidJobGraphException(String message, Throwable cause) {
        super(message, cause);
    }
}
