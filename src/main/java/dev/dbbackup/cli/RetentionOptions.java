package dev.dbbackup.cli;

import dev.dbbackup.config.SettingsResolver;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The seed's retention flags. */
public class RetentionOptions {

    @Option(names = "--retention-days", paramLabel = "N", description = "Keep the newest backup of each of the last N days (env BACKUP_RETENTION_DAYS, default 7).")
    String days;

    @Option(names = "--retention-weeks", paramLabel = "N", description = "... of each of the last N ISO weeks (env BACKUP_RETENTION_WEEKS, default 4).")
    String weeks;

    @Option(names = "--retention-months", paramLabel = "N", description = "... of each of the last N months (env BACKUP_RETENTION_MONTHS, default 12).")
    String months;

    @Option(names = "--retention-hours", paramLabel = "N", description = "... of each of the last N hours, for backups more often than"
            + " daily (env BACKUP_RETENTION_HOURS, default 24).")
    String hours;

    @Option(names = "--retention-years", paramLabel = "N", description = "... of each of the last N years (env BACKUP_RETENTION_YEARS, default 0).")
    String years;

    Map<String, String> flags() {
        Map<String, String> flags = new HashMap<>();
        CommonOptions.putIfSet(flags, SettingsResolver.RETENTION_DAYS, days);
        CommonOptions.putIfSet(flags, SettingsResolver.RETENTION_WEEKS, weeks);
        CommonOptions.putIfSet(flags, SettingsResolver.RETENTION_MONTHS, months);
        CommonOptions.putIfSet(flags, SettingsResolver.RETENTION_HOURS, hours);
        CommonOptions.putIfSet(flags, SettingsResolver.RETENTION_YEARS, years);
        return flags;
    }
}
