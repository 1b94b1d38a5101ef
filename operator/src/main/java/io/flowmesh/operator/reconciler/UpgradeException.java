package io.flowmesh.operator.reconciler;

/** A running job cannot be stopped the way its upgrade mode asks; the message says why. The old spec keeps running. */
public class UpgradeException extends RuntimeException {
    public UpgradeException(String message) {
        super(message);
    }
}
