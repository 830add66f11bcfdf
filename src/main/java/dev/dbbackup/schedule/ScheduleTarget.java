package dev.dbbackup.schedule;

import dev.dbbackup.config.Settings;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.operation.alert.AlertSettings;
import java.util.Optional;

/**
 * One database the scheduler backs up: its settings (URL, folder, retention …), when, and whom to tell. Test-restores
 * follow either {@code testRestore} (an explicit cron) or {@code testRestorePolicy} (after backups), never both.
 */
public record ScheduleTarget(String name, Settings settings, CronSchedule backups, Optional<CronSchedule> testRestore,
                             TestRestorePolicy testRestorePolicy, Optional<DatabaseUrl> scratchUrl, AlertSettings alerts, RetryPolicy retry) {
}
