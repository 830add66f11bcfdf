package dev.dbbackup.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import dev.dbbackup.testing.SqliteDatabaseComparator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host clock jumps four years ahead for one nightly run, then is fixed. That run must not delete the earlier
 * backups; afterwards 'latest' is the newest backup dated before now, not the future-dated one, and health reports the
 * future-dated backup as a problem instead of staying UP with a negative age.
 */
class ClockJumpDrillIT {

    @TempDir
    Path dir;

    private Map<String, String> env(String now) {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", "sqlite:///./app.db"));
        if (now != null) {
            env.put("DBBACKUP_NOW", now);
        }
        return env;
    }

    private Path daily(String stamp) {
        return dir.resolve("backups/daily/backup_daily_" + stamp + ".sql.gz");
    }

    @Test
    void oneRunUnderAJumpedClockDeletesNothingAndIsNeverLatest() throws Exception {
        Path app = SampleDatabase.create(dir.resolve("app.db"));
        for (int day = 3; day <= 5; day++) {
            Cli.Result backup = Cli.run(dir, env("2025-11-0" + day + "T02:00:00Z"), "backup", "--type", "daily");
            assertEquals(0, backup.exitCode(), backup::toString);
        }

        Cli.Result jumped = Cli.run(dir, env("2029-11-05T02:00:00Z"), "backup", "--type", "daily");

        assertEquals(0, jumped.exitCode(), jumped::toString);
        for (int day = 3; day <= 5; day++) {
            assertTrue(Files.exists(daily("2025110" + day + "_020000")), "the jumped run deleted an earlier backup: " + jumped);
        }

        SampleDatabase.addMessage(app, "in the backup after the clock was fixed");
        Cli.Result fixed = Cli.run(dir, env("2025-11-06T02:00:00Z"), "backup", "--type", "daily");
        assertEquals(0, fixed.exitCode(), fixed::toString);
        assertTrue(Files.exists(daily("20291105_020000")) && Files.exists(daily("20251105_020000")), fixed::toString);
        Path atBackup = Files.copy(app, dir.resolve("at-backup.db"));

        Cli.Result health = Cli.run(dir, env("2025-11-06T03:00:00Z"), "health");
        assertEquals(8, health.exitCode(), "a backup dated in the future is a problem: " + health);
        assertTrue(health.stdout().startsWith("DOWN") && health.stdout().contains("in the future"), health::toString);

        SampleDatabase.addMessage(app, "after the last backup");
        Cli.Result restore = Cli.run(dir, env(null), "restore", "latest", "--clean", "--yes");
        assertEquals(0, restore.exitCode(), restore::toString);
        assertTrue(restore.stdout().contains("backup_daily_20251106_020000.sql.gz"), "latest is not the future-dated backup: " + restore);
        SqliteDatabaseComparator.assertSameContent(atBackup, app);
    }
}
