package io.flowmesh.dispatcher.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A unary call of the dispatcher runs only while its caller still waits (its gRPC context). */
class DeadlineTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** What the observer got: values, then "completed" or the status code and description. */
    private static final class Recorder implements StreamObserver<String> {
        final List<String> seen = new ArrayList<>();

        @Override
        public void onNext(String value) {
            seen.add(value);
        }

        @Override
        public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            seen.add(s.getCode() + ": " + s.getDescription());
        }

        @Override
        public void onCompleted() {
            seen.add("completed");
        }
    }

    @Test
    void aCallWhoseDeadlinePassedIsNotExecuted() throws Exception {
        AtomicInteger executed = new AtomicInteger();
        Recorder out = new Recorder();
        Context.CancellableContext expired = Context.current().withDeadline(Deadline.after(1, TimeUnit.MILLISECONDS), scheduler);
        Thread.sleep(20);
        expired.run(() -> DispatcherGrpcService.answer(out, () -> "ran " + executed.incrementAndGet()));
        assertThat(executed).hasValue(0);
        assertThat(out.seen).containsExactly("DEADLINE_EXCEEDED: the call's deadline passed before the dispatcher could run it; nothing was done");
    }

    @Test
    void aCancelledCallIsNotExecuted() {
        AtomicInteger executed = new AtomicInteger();
        Recorder out = new Recorder();
        Context.CancellableContext cancelled = Context.current().withCancellation();
        cancelled.cancel(null);
        cancelled.run(() -> DispatcherGrpcService.answer(out, () -> "ran " + executed.incrementAndGet()));
        assertThat(executed).hasValue(0);
        assertThat(out.seen).containsExactly("CANCELLED: the call was cancelled before the dispatcher could run it; nothing was done");
    }

    @Test
    void aCallWithTimeLeftRunsAndFailuresBecomeStatuses() {
        Recorder out = new Recorder();
        Context.CancellableContext live = Context.current().withDeadline(Deadline.after(1, TimeUnit.MINUTES), scheduler);
        live.run(() -> DispatcherGrpcService.answer(out, () -> "ran"));
        assertThat(out.seen).containsExactly("ran", "completed");
        Recorder failing = new Recorder();
        live.run(() -> DispatcherGrpcService.answer(failing, () -> {
            throw Status.NOT_FOUND.withDescription("no job with id 'x'").asRuntimeException();
        }));
        assertThat(failing.seen).containsExactly("NOT_FOUND: no job with id 'x'");
        live.cancel(null);
    }
}
