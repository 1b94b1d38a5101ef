package io.flowmesh.dispatcher;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;

/**
 * The dispatcher's counters (docs/metrics contract): {@code flowmesh_dispatcher_submissions_total{outcome}}
 * with outcome {@code ok} or the lower-case gRPC status code of the refusal ({@code invalid_argument},
 * {@code not_found}, {@code failed_precondition}, ...), and
 * {@code flowmesh_dispatcher_commands_total{operation,outcome}} with operation {@code submit|cancel|stop|savepoint}
 * ({@code unknown} for a message whose operation could not be read) and outcome {@code ok|error|duplicate}.
 * The common series exist from the start with value 0. Both tag sets are bounded. Thread-safe.
 */
@Singleton
public class DispatcherMetrics {
    static final String SUBMISSIONS = "flowmesh.dispatcher.submissions";
    static final String COMMANDS = "flowmesh.dispatcher.commands";

    @Inject
    MeterRegistry registry;

    void onStart(@Observes StartupEvent ev) {
        List.of("ok", "invalid_argument", "not_found", "failed_precondition", "unavailable").forEach(o -> submissions(o));
        for (String op : List.of("submit", "cancel", "stop", "savepoint")) {
            for (String outcome : List.of("ok", "error", "duplicate")) {
                commands(op, outcome);
            }
        }
    }

    private Counter submissions(String outcome) {
        return Counter.builder(SUBMISSIONS).description("Job submissions by outcome (gRPC and the command topic)")
                .tag("outcome", outcome).register(registry);
    }

    private Counter commands(String operation, String outcome) {
        return Counter.builder(COMMANDS).description("Commands read from the command topic, by operation and outcome")
                .tag("operation", operation).tag("outcome", outcome).register(registry);
    }

    /** A submission that succeeded ({@code null}) or was refused with {@code code}. */
    public void submission(Status.Code code) {
        submissions(code == null || code == Status.Code.OK ? "ok" : code.name().toLowerCase(Locale.ROOT)).increment();
    }

    /** A command answered: {@code outcome} is ok, error or duplicate. */
    public void command(String operation, String outcome) {
        commands(operation, outcome).increment();
    }
}
