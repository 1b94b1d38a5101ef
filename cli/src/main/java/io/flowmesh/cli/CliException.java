package io.flowmesh.cli;

/**
 * A failure the CLI reports as one line, {@code Error: <message>}, on stderr, and exits with
 * {@link #exitCode()} (1: the job failed or the operation was refused).
 */
public class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(String message) {
        this(message, 1);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
