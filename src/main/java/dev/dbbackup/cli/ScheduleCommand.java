package dev.dbbackup.cli;

import dev.dbbackup.config.Settings;
import dev.dbbackup.config.SettingsResolver;
import dev.dbbackup.operation.ExitCode;
import dev.dbbackup.schedule.SchedulePlan;
import dev.dbbackup.schedule.ScheduleService;
import dev.dbbackup.schedule.TestRestorePolicy;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = {"Run until stopped, backing up on a cron schedule (default 02:00 daily) with retention after each backup.",
                "Serves /q/health/live, /q/health/ready and /q/metrics over HTTP (port 8080; QUARKUS_HTTP_PORT changes it).",
                "SIGTERM lets the running backup finish within the grace period, then aborts it cleanly; exit code 0."},
        footer = {"", "Examples:",
                "  dbbackup schedule                                   # 02:00 daily in BACKUP_TIMEZONE (default UTC)",
                "  dbbackup schedule --cron '0 */6 * * *' --timezone Europe/Berlin",
                "  dbbackup schedule --targets /etc/dbbackup/targets.ini   # several databases, one [name] section each",
                "  dbbackup schedule --test-restore after-each             # test-restore every new backup (default: weekly)",
                "  BACKUP_TEST_RESTORE_SCHEDULE='0 5 * * 0' dbbackup schedule"})
public class ScheduleCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Mixin
    RetentionOptions retention;

    @Option(names = "--cron", paramLabel = "EXPR",
            description = "When to back up: 5 crontab fields, @daily …, or Quartz with seconds (env BACKUP_SCHEDULE, default '0 2 * * *').")
    String cron;

    @Option(names = "--test-restore", paramLabel = "POLICY",
            description = "Test-restore new backups into a scratch target: never, after-each, daily or weekly "
                    + "(env BACKUP_TEST_RESTORE, default weekly).")
    String testRestore;

    @Option(names = "--test-restore-cron", paramLabel = "EXPR",
            description = "Test the newest backup on a cron schedule of its own instead (env BACKUP_TEST_RESTORE_SCHEDULE, default off).")
    String testRestoreCron;

    @Option(names = "--timezone", paramLabel = "ZONE", description = "Time zone of the schedule and file names (env BACKUP_TIMEZONE, default UTC).")
    String timezone;

    @Option(names = "--targets", paramLabel = "FILE",
            description = "Several databases: a file with one [name] section of settings each (env BACKUP_TARGETS_FILE).")
    String targets;

    @Option(names = "--no-catch-up", description = "Do not back up at start when a scheduled run was missed (env BACKUP_CATCH_UP=false).")
    boolean noCatchUp;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION",
            description = "How long a running backup may finish after SIGTERM before it is aborted (env BACKUP_SHUTDOWN_GRACE, default 5s).")
    String shutdownGrace;

    @Option(names = "--max-age", paramLabel = "AGE", description = "Readiness turns DOWN past this backup age (env BACKUP_MAX_AGE, default 26h).")
    String maxAge;

    @Inject
    ScheduleService service;

    @Override
    public Integer call() {
        Map<String, String> flags = retention.flags();
        CommonOptions.putIfSet(flags, SchedulePlan.SCHEDULE, cron);
        CommonOptions.putIfSet(flags, TestRestorePolicy.SETTING, testRestore);
        CommonOptions.putIfSet(flags, SchedulePlan.TEST_RESTORE_SCHEDULE, testRestoreCron);
        CommonOptions.putIfSet(flags, SettingsResolver.TIMEZONE, timezone);
        CommonOptions.putIfSet(flags, SchedulePlan.TARGETS_FILE, targets);
        CommonOptions.putIfSet(flags, SchedulePlan.CATCH_UP, noCatchUp ? "false" : null);
        CommonOptions.putIfSet(flags, SchedulePlan.SHUTDOWN_GRACE, shutdownGrace);
        CommonOptions.putIfSet(flags, SettingsResolver.MAX_AGE, maxAge);
        Settings settings = common.settings(flags);
        service.run(SchedulePlan.resolve(common.sources(), settings));
        return ExitCode.OK.code();
    }
}
