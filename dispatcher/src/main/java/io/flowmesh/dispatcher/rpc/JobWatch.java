package io.flowmesh.dispatcher.rpc;

import io.flowmesh.cluster.events.LifecycleEvents;
import io.flowmesh.dispatcher.JobControl;
import io.flowmesh.dispatcher.registry.JobRegistry;
import io.flowmesh.proto.LifecycleEvent;
import io.flowmesh.proto.WatchJobsRequest;
import io.flowmesh.proto.WatchStart;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One {@code WatchJobs} stream: a {@link JobRegistry} watcher that queues the events the stream
 * asked for and sends them while the transport is ready (gRPC flow control), so a slow client never
 * blocks the lifecycle thread. At most {@value #MAX_QUEUED} events wait; beyond that the stream ends
 * with RESOURCE_EXHAUSTED. A one-job stream completes after the job's terminal status event. The
 * stream's cancellation (by the client, or its deadline) removes the watcher.
 *
 * <p>Events arrive on the lifecycle thread (under the registry's lock), readiness and cancellation
 * on gRPC threads; all state is guarded by this object's lock, which is taken after the registry's,
 * never before.
 */
final class JobWatch implements Consumer<LifecycleEvent> {
    static final int MAX_QUEUED = 10_000;

    private final JobRegistry registry;
    private final ServerCallStreamObserver<LifecycleEvent> out;
    private final String jobId;
    private final ArrayDeque<LifecycleEvent> queue = new ArrayDeque<>();
    /** The one job reached a terminal status: complete once the queue is sent. */
    private boolean ending;
    private boolean closed;

    private JobWatch(JobRegistry registry, ServerCallStreamObserver<LifecycleEvent> out, String jobId) {
        this.registry = registry;
        this.out = out;
        this.jobId = jobId;
    }

    /** Starts the stream for {@code request}: NOT_FOUND for an unknown job. */
    static void start(JobRegistry registry, WatchJobsRequest request, StreamObserver<LifecycleEvent> observer) {
        ServerCallStreamObserver<LifecycleEvent> out = (ServerCallStreamObserver<LifecycleEvent>) observer;
        JobWatch watch = new JobWatch(registry, out, request.getJobId());
        out.setOnCancelHandler(watch::cancelled);
        out.setOnReadyHandler(watch::drain);
        boolean fromNow = request.getStart() == WatchStart.WATCH_FROM_NOW;
        if (!registry.watch(request.getJobId(), history -> watch.begin(history, fromNow), watch)) {
            out.onError(JobControl.unknownJob(request.getJobId()));
        }
    }

    /** Called by the registry under its lock, before the first {@link #accept}. */
    private synchronized void begin(List<LifecycleEvent> history, boolean fromNow) {
        for (LifecycleEvent e : history) {
            if (ending) {
                break;
            }
            if (!fromNow) {
                queue.add(e);
            }
            ending = endsTheStream(e);
        }
        drain();
    }

    private boolean endsTheStream(LifecycleEvent e) {
        return !jobId.isEmpty() && e.hasJobStatusChanged() && LifecycleEvents.isTerminal(e.getJobStatusChanged().getStatus());
    }

    @Override
    public synchronized void accept(LifecycleEvent e) {
        if (closed || ending || (!jobId.isEmpty() && !jobId.equals(e.getJobId()))) {
            return;
        }
        if (queue.size() >= MAX_QUEUED) {
            close();
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription("more than " + MAX_QUEUED
                    + " lifecycle events wait for this WatchJobs client; it reads too slowly").asRuntimeException());
            return;
        }
        queue.add(e);
        ending = endsTheStream(e);
        drain();
    }

    private synchronized void drain() {
        while (!closed && !queue.isEmpty() && out.isReady()) {
            out.onNext(queue.poll());
        }
        if (!closed && ending && queue.isEmpty()) {
            close();
            out.onCompleted();
        }
    }

    private synchronized void cancelled() {
        close();
    }

    private void close() {
        closed = true;
        queue.clear();
        registry.unwatch(this);
    }
}
