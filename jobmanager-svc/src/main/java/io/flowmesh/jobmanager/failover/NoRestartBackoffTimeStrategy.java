package io.flowmesh.jobmanager.failover;

/** {@code restart-strategy.type: none}: every failure fails the job. */
public final class NoRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
    @Override
    public void notifyFailure(String cause) {}

    @Override
    public boolean canRestart() {
        return false;
    }

    @Override
    public long getBackoffTime() {
        return 0;
    }

    @Override
    public String toString() {
        return "NoRestartBackoffTimeStrategy";
    }
}
