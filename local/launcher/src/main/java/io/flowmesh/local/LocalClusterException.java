package io.flowmesh.local;

/**
 * The local cluster could not be started: a missing build output, a port in use, a process that
 * exited or was not ready in time. The message is meant for a person; it names the role, the log
 * file or the option to change.
 */
public class LocalClusterException extends Exception {

    private static final long serialVersionUID = 1L;

    public LocalClusterException(String message) {
        super(message);
    }

    public LocalClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
