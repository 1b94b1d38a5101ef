package io.flowmesh.taskmanager;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once registered with the JobManager. */
@Readiness
@ApplicationScoped
public class RegistrationReadiness implements HealthCheck {
    @Inject
    TaskExecutor executor;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("registered-with-jobmanager").status(executor.isRegistered())
                .withData("taskmanager-id", executor.id() == null ? "" : executor.id())
                .withData("running-subtasks", executor.runningTasks()).build();
    }
}
