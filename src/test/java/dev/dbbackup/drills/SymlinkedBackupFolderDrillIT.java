package dev.dbbackup.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import dev.dbbackup.testing.SqliteDatabaseComparator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup folder that is a symbolic link (a mounted volume linked into place), or whose daily/ is one: every command
 * sees the backups the backup command wrote there. And {@code verify --all} with nothing to verify is an error.
 */
class SymlinkedBackupFolderDrillIT {

    @TempDir
    Path dir;

    private Path volume;

    @BeforeEach
    void database() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        volume = Files.createDirectories(dir.resolve("mnt/volume"));
    }

    private Map<String, String> env(String now) {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", "sqlite:///./app.db", "BACKUP_DIR", "./backups"));
        if (now != null) {
            env.put("DBBACKUP_NOW", now);
        }
        return env;
    }

    private void everyCommandSeesTheBackups() throws Exception {
        for (int day = 3; day <= 5; day++) {
            Cli.Result backup = Cli.run(dir, env("2025-11-0" + day + "T02:00:00Z"), "backup", "--type", "daily", "--retention-days", "2",
                    "--retention-weeks", "0", "--retention-months", "0");
            assertEquals(0, backup.exitCode(), backup::toString);
        }
        assertFalse(Files.exists(dir.resolve("backups/daily/backup_daily_20251103_020000.sql.gz")),
                "retention sees the backups and deletes the one outside 2 days");
        assertTrue(Files.exists(dir.resolve("backups/daily/backup_daily_20251105_020000.sql.gz")));

        Cli.Result list = Cli.run(dir, env("2025-11-05T03:00:00Z"), "list");
        assertEquals(0, list.exitCode(), list::toString);
        assertTrue(list.stdout().contains("backup_daily_20251105_020000.sql.gz") && list.stdout().contains("backup_daily_20251104_020000.sql.gz"),
                list::toString);

        Cli.Result health = Cli.run(dir, env("2025-11-05T03:00:00Z"), "health");
        assertEquals(0, health.exitCode(), health::toString);

        Cli.Result verify = Cli.run(dir, env(null), "verify", "--all");
        assertEquals(0, verify.exitCode(), verify::toString);

        Path before = Files.copy(dir.resolve("app.db"), dir.resolve("before.db"));
        SampleDatabase.addMessage(dir.resolve("app.db"), "after the backup");
        Cli.Result restore = Cli.run(dir, env(null), "restore", "latest", "--clean", "--yes");
        assertEquals(0, restore.exitCode(), restore::toString);
        assertTrue(restore.stdout().contains("backup_daily_20251105_020000.sql.gz"), restore::toString);
        SqliteDatabaseComparator.assertSameContent(before, dir.resolve("app.db"));
    }

    @Test
    void backupDirThatIsALinkWorksForListRestoreHealthAndRetention() throws Exception {
        Files.createSymbolicLink(dir.resolve("backups"), volume);
        everyCommandSeesTheBackups();
        assertTrue(Files.exists(volume.resolve("daily/backup_daily_20251105_020000.sql.gz")));
    }

    @Test
    void dailyFolderThatIsALinkWorksForListRestoreHealthAndRetention() throws Exception {
        Files.createDirectories(dir.resolve("backups"));
        Files.createSymbolicLink(dir.resolve("backups/daily"), volume);
        everyCommandSeesTheBackups();
        assertTrue(Files.exists(volume.resolve("backup_daily_20251105_020000.sql.gz")));
    }

    @Test
    void verifyAllOfAFolderThatDoesNotExistOrHoldsNothingIsAnError() throws Exception {
        Cli.Result missing = Cli.run(dir, env(null), "verify", "--all", "--backup-dir", "./no-such-folder");
        assertEquals(7, missing.exitCode(), missing::toString);
        assertTrue(missing.stderr().contains("error: BACKUP_DIR") && missing.stderr().contains("does not exist"), missing::toString);
        assertTrue(missing.stderr().contains("hint: "), missing::toString);

        Files.createDirectories(dir.resolve("empty"));
        Cli.Result empty = Cli.run(dir, env(null), "verify", "--all", "--backup-dir", "./empty");
        assertEquals(7, empty.exitCode(), empty::toString);
        assertTrue(empty.stderr().contains("error: no backups in"), empty::toString);
    }
}
