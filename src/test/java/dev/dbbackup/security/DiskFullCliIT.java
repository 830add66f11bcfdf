package dev.dbbackup.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16.3: a disk that is really full (a small tmpfs mounted for the test and filled with dd until it says "No space
 * left on device"). The documented emergency {@code prune --keep-last N} works on a full backup disk, and a full disk
 * under the database does not stop a backup to another disk.
 */
class DiskFullCliIT {

    @TempDir
    Path dir;

    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void unmount() {
        for (Path mount : mounts) {
            Cli.tool(dir, "umount", "-l", mount.toString());
        }
    }

    private Path smallDisk(String name, String size) throws Exception {
        Path mount = Files.createDirectories(dir.resolve(name));
        Cli.Result mounted = Cli.tool(dir, "mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", mount.toString());
        assertEquals(0, mounted.exitCode(), "mounting a tmpfs needs root: " + mounted);
        mounts.add(mount);
        return mount;
    }

    /** Fills the file system of {@code folder} until dd fails with no space left, and checks that it is full. */
    private static void fill(Path folder) throws Exception {
        Cli.Result dd = Cli.tool(folder, "dd", "if=/dev/zero", "of=" + folder.resolve("filler"), "bs=4096");
        assertTrue(dd.stderr().contains("No space left on device"), dd::toString);
        Cli.Result more = Cli.tool(folder, "sh", "-c", "printf x >> filler");
        assertTrue(more.exitCode() != 0, "the disk must be full: " + more);
    }

    private Map<String, String> env(Path database, Path backups, String now) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "sqlite:///" + database);
        env.put("BACKUP_DIR", backups.toString());
        env.put("DBBACKUP_NOW", now);
        return env;
    }

    private static long backupFiles(Path backups) throws Exception {
        try (Stream<Path> files = Files.walk(backups)) {
            return files.filter(p -> p.getFileName().toString().matches("backup_.*\\.sql\\.gz")).count();
        }
    }

    @Test
    void pruneKeepLastFreesAFullBackupDisk() throws Exception {
        Path database = SampleDatabase.create(dir.resolve("app.db"));
        Path backups = smallDisk("backups", "2m");
        for (String now : List.of("2030-01-01T01:00:00Z", "2030-01-02T01:00:00Z", "2030-01-03T01:00:00Z")) {
            Cli.Result backup = Cli.run(dir, env(database, backups, now), "backup", "--type", "daily");
            assertEquals(0, backup.exitCode(), backup::toString);
        }
        assertEquals(3, backupFiles(backups));
        fill(backups);

        Cli.Result prune = Cli.run(dir, env(database, backups, "2030-01-03T02:00:00Z"), "prune", "--keep-last", "1");

        assertEquals(0, prune.exitCode(), prune::toString);
        assertFalse(prune.all().contains("No space left"), prune::toString);
        assertEquals(1, backupFiles(backups), "two backups deleted: " + prune);
        assertTrue(Files.exists(backups.resolve("daily/backup_daily_20300103_010000.sql.gz")), "the newest is kept");
    }

    @Test
    void fullDiskUnderTheDatabaseDoesNotStopABackupToAnotherDisk() throws Exception {
        Path data = smallDisk("data", "1m");
        Path database = SampleDatabase.create(data.resolve("app.db"));
        fill(data);
        Path backups = dir.resolve("backups");

        Cli.Result backup = Cli.run(dir, env(database, backups, "2030-01-01T01:00:00Z"), "backup");

        assertEquals(0, backup.exitCode(), backup::toString);
        assertFalse(backup.all().contains("credentials"), backup::toString);
        assertFalse(Files.exists(data.resolve("app.db.dbbackup-lock")), "no lock file left beside the database");
        assertEquals(1, backupFiles(backups));
        Path written = Path.of(backup.stdout().lines().filter(l -> l.startsWith("backup written: ")).findFirst().orElseThrow()
                .substring("backup written: ".length()));
        assertEquals(0, Cli.tool(dir, "gunzip", "-t", written.toString()).exitCode());
    }
}
