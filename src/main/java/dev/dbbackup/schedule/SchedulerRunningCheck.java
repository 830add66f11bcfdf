package dev.dbbackup.schedule;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Live (and ready, with the per-target freshness checks) while the scheduler's job thread is running. */
@Liveness
@Readiness
@ApplicationScoped
public class SchedulerRunningCheck implements HealthCheck {

    @Inject
    ScheduleService service;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("scheduler").status(service.running()).build();
    }
}
