package io.flowmesh.engine.operators;

/** A failure of a user function, naming the operator it happened in. */
public final class OperatorException extends RuntimeException {
    private final String operatorName;

    public OperatorException(String operatorName, Throwable cause) {
        super("operator '" + operatorName + "' failed: " + cause, cause);
        this.operatorName = operatorName;
    }

    public String operatorName() {
        return operatorName;
    }

    /** Rethrows {@code e} unchanged if it already names an operator, else wrapped with this one's name. */
    public static RuntimeException of(String operatorName, Throwable e) {
        if (e instanceof OperatorException oe) {
            return oe;
        }
        return new OperatorException(operatorName, e);
    }
}
