package dev.dbbackup.schedule;

import dev.dbbackup.operation.HealthOperation;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** Readiness of one target: DOWN when its newest good backup is older than BACKUP_MAX_AGE (the seed's 26 h) or missing. */
final class BackupFreshnessCheck implements HealthCheck {

    private final HealthOperation health;
    private final ScheduleTarget target;

    BackupFreshnessCheck(HealthOperation health, ScheduleTarget target) {
        this.health = health;
        this.target = target;
    }

    @Override
    public HealthCheckResponse call() {
        HealthOperation.Health result = health.check(target.settings(), target.settings().maxAge());
        HealthCheckResponseBuilder response = HealthCheckResponse.named("backup " + target.name()).status(result.healthy())
                .withData("database", target.name())
                .withData("reason", result.reason())
                .withData("max_age_seconds", result.maxAgeSeconds())
                .withData("backups", result.backups());
        if (result.newestGoodBackup() != null) {
            response.withData("file", result.newestGoodBackup());
            response.withData("created", result.newestGoodAt());
        }
        if (result.ageSeconds() != null) {
            response.withData("age_seconds", result.ageSeconds());
            response.withData("age", String.format(Locale.ROOT, "%.1f h", result.ageSeconds() / 3600.0));
        }
        return response.build();
    }
}
