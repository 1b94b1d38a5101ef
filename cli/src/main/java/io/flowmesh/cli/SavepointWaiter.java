package io.flowmesh.cli;

import io.flowmesh.proto.SavepointStatus;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Waits for a triggered savepoint as {@code flowmesh savepoint} and {@code flowmesh stop} do: asks
 * for its status every {@link #POLL_MILLIS} ms until it is COMPLETED (returns its path) or FAILED
 * (throws a {@link CliException} with the cause), or until the timeout passed (throws, naming where
 * the savepoint would be, since it may still complete). An unset status counts as in progress.
 *
 * <p>The status source, the clock and the pause are parameters so that the loop runs in tests
 * without a cluster. Runs on the calling thread.
 */
final class SavepointWaiter {

    static final long POLL_MILLIS = 500;

    /** Pauses the calling thread; throws when interrupted. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final LongSupplier nanoClock;
    private final Sleeper sleeper;

    SavepointWaiter(LongSupplier nanoClock, Sleeper sleeper) {
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    static SavepointWaiter system() {
        return new SavepointWaiter(System::nanoTime, Thread::sleep);
    }

    /**
     * @param what the savepoint as the messages name it, e.g. {@code savepoint 7 of job <id>}
     * @param location where the coordinator said it will be
     * @return the completed savepoint's path
     */
    String await(Supplier<SavepointStatus> status, Duration timeout, String what, String location) {
        long deadline = nanoClock.getAsLong() + timeout.toNanos();
        while (true) {
            SavepointStatus s = status.get();
            switch (s.getStatus()) {
                case CHECKPOINT_COMPLETED:
                    return s.getLocation().isEmpty() ? location : s.getLocation();
                case CHECKPOINT_FAILED:
                    throw new CliException(what + " failed: "
                            + (s.getFailureCause().isBlank() ? "no cause given" : s.getFailureCause().strip()));
                default:
                    break;
            }
            if (nanoClock.getAsLong() - deadline >= 0) {
                throw new CliException(what + " did not complete within " + Formats.timeout(timeout)
                        + (location.isEmpty() ? "" : "; it may still complete at " + location));
            }
            try {
                sleeper.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted while waiting for " + what
                        + (location.isEmpty() ? "" : "; it may still complete at " + location));
            }
        }
    }
}
