package io.flowmesh.cluster.ha.testing;

import io.flowmesh.cluster.ha.LeaderContender;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Test support for leader elections: a contender that records its grants ("grant &lt;epoch&gt;")
 * and revocations ("revoke") for a test to take in order.
 */
public final class RecordingContender implements LeaderContender {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void grantLeadership(long epoch) {
        events.add("grant " + epoch);
    }

    @Override
    public void revokeLeadership() {
        events.add("revoke");
    }

    /** The next event within {@code millis}, or null when there was none. */
    public String poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * The next event, waiting up to 30 s for it.
     *
     * @throws AssertionError when none came
     */
    public String next() throws InterruptedException {
        String e = events.poll(30, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("expected an election event within 30 s, there was none");
        }
        return e;
    }
}
