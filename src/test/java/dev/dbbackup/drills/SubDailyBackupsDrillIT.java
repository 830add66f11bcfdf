package dev.dbbackup.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's "Faster RPO (6 hours)": <code>0 *&#47;6 * * * dbbackup backup --type daily</code>. The hourly tier
 * (BACKUP_RETENTION_HOURS, default 24) keeps every run of the last day instead of one per day; the yearly tier
 * (BACKUP_RETENTION_YEARS) keeps the newest backup of each year.
 */
class SubDailyBackupsDrillIT {

    @TempDir
    Path dir;

    private Cli.Result backupAt(String now, String... extra) {
        String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("backup", "--type", "daily"), java.util.stream.Stream.of(extra))
                .toArray(String[]::new);
        return Cli.run(dir, Map.of("DATABASE_URL", "sqlite:///./app.db", "DBBACKUP_NOW", now), args);
    }

    private boolean exists(String stamp) {
        return Files.exists(dir.resolve("backups/daily/backup_daily_" + stamp + ".sql.gz"));
    }

    @Test
    void everySixHourRunOfTheLastDayIsKept() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        for (String hour : new String[] {"00", "06", "12", "18"}) {
            Cli.Result run = backupAt("2025-11-04T" + hour + ":00:00Z");
            assertEquals(0, run.exitCode(), run::toString);
        }
        assertTrue(exists("20251104_000000") && exists("20251104_060000") && exists("20251104_120000") && exists("20251104_180000"),
                "the 6-hour runs of one day are all kept");

        Cli.Result nextDay = backupAt("2025-11-05T06:00:00Z");
        assertEquals(0, nextDay.exitCode(), nextDay::toString);
        assertTrue(exists("20251104_120000") && exists("20251104_180000"), "within the last 24 hours: " + nextDay);
        assertFalse(exists("20251104_000000"), "older than 24 hours and superseded in its day: " + nextDay);

        Cli.Result list = Cli.run(dir, Map.of("DATABASE_URL", "sqlite:///./app.db", "DBBACKUP_NOW", "2025-11-05T07:00:00Z",
                "BACKUP_RETENTION_YEARS", "3"), "list");
        assertTrue(list.stdout().lines().anyMatch(l -> l.contains("backup_daily_20251105_060000") && l.contains("hourly 2025-11-05 06:00")
                && l.contains("yearly 2025")), list::toString);

        Cli.Result only = backupAt("2025-11-05T12:00:00Z", "--retention-hours", "0");
        assertEquals(0, only.exitCode(), only::toString);
        assertFalse(exists("20251105_060000"), "--retention-hours 0 keeps one per day, as before: " + only);
    }
}
