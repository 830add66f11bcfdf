package dev.dbbackup.drills;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import dev.dbbackup.testing.SqliteDatabaseComparator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed scenario 1, "Database corruption", as an operator types it: the SQLite file is damaged for real (dd from
 * /dev/urandom, a garbage header), then {@code dbbackup restore latest --clean --yes}. The damaged file must not block
 * its own recovery: it is kept byte-for-byte beside the restored one, the run says where, and the backup comes back.
 */
class CorruptedDatabaseDrillIT {

    @TempDir
    Path dir;

    private Path app;
    private Path beforeDamage;

    private static final Map<String, String> ENV = Map.of("DATABASE_URL", "sqlite:///./app.db");

    @BeforeEach
    void backedUpDatabase() throws Exception {
        app = SampleDatabase.create(dir.resolve("app.db"));
        for (int i = 0; i < 300; i++) {
            SampleDatabase.addMessage(app, "padding so the file has well over seven pages " + "x".repeat(200) + i);
        }
        Cli.Result backup = Cli.run(dir, ENV, "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        beforeDamage = Files.copy(app, dir.resolve("before-damage.db"));
        assertTrue(Files.size(app) > 8 * 4096, "the database must span the pages dd overwrites");
    }

    private void damage(String... ddOperands) {
        String[] command = Stream.concat(Stream.of("dd", "if=/dev/urandom", "of=app.db"), Stream.of(ddOperands)).toArray(String[]::new);
        Cli.Result dd = Cli.tool(dir, command);
        assertEquals(0, dd.exitCode(), dd::toString);
        Cli.Result check = Cli.tool(dir, "sqlite3", "app.db", "PRAGMA integrity_check;");
        assertFalse(check.exitCode() == 0 && check.stdout().strip().equals("ok"), "the damage must be real: " + check);
    }

    private List<Path> keptCopies() throws IOException {
        return keptCopies("app.db.corrupted-");
    }

    private List<Path> keptCopies(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    private void assertRecovered(Cli.Result restore, byte[] damaged) throws IOException {
        assertEquals(0, restore.exitCode(), restore::toString);
        List<Path> kept = keptCopies();
        assertEquals(1, kept.size(), "exactly one byte-for-byte copy of the damaged file: " + kept + "\n" + restore);
        assertArrayEquals(damaged, Files.readAllBytes(kept.get(0)), "the damaged file is kept byte-for-byte");
        assertTrue(restore.stdout().contains(kept.get(0).getFileName().toString()), "the run names where the damaged file is: " + restore);
        assertTrue(restore.all().contains("cannot be read") || restore.all().contains("malformed"), "the run says why: " + restore);
        SqliteDatabaseComparator.assertSameContent(beforeDamage, app);
        Cli.Result check = Cli.tool(dir, "sqlite3", "app.db", "PRAGMA integrity_check;");
        assertEquals("ok", check.stdout().strip(), check::toString);
    }

    @Test
    void restoreLatestCleanRecoversFromPagesOverwrittenByDd() throws Exception {
        damage("bs=4096", "seek=3", "count=4", "conv=notrunc");
        byte[] damaged = Files.readAllBytes(app);

        Cli.Result restore = Cli.run(dir, ENV, "restore", "latest", "--clean", "--yes");

        assertRecovered(restore, damaged);
    }

    @Test
    void restoreLatestCleanRecoversFromAGarbageHeader() throws Exception {
        damage("bs=100", "count=1", "conv=notrunc");
        byte[] damaged = Files.readAllBytes(app);

        Cli.Result restore = Cli.run(dir, ENV, "restore", "latest", "--clean", "--yes");

        assertRecovered(restore, damaged);
        assertTrue(restore.all().contains("cannot be read"), restore::toString);
    }

    @Test
    void restoreWithoutCleanRefusesADamagedTargetAndPointsAtClean() throws Exception {
        damage("bs=100", "count=1", "conv=notrunc");
        byte[] damaged = Files.readAllBytes(app);

        Cli.Result restore = Cli.run(dir, ENV, "restore", "latest", "--yes");

        assertEquals(4, restore.exitCode(), restore::toString);
        assertTrue(restore.stderr().contains("error: the restore target app.db cannot be read"), restore::toString);
        assertTrue(restore.stderr().contains("hint:") && restore.stderr().contains("--clean"), restore::toString);
        assertArrayEquals(damaged, Files.readAllBytes(app), "nothing was changed");
        assertTrue(keptCopies().isEmpty());
    }

    @Test
    void dryRunOnADamagedTargetSaysItWouldKeepIt() throws Exception {
        damage("bs=4096", "seek=3", "count=4", "conv=notrunc");
        byte[] damaged = Files.readAllBytes(app);

        Cli.Result dryRun = Cli.run(dir, ENV, "restore", "latest", "--clean", "--dry-run");

        assertEquals(0, dryRun.exitCode(), dryRun::toString);
        assertTrue(dryRun.stdout().contains("dry run: would restore"), dryRun::toString);
        assertArrayEquals(damaged, Files.readAllBytes(app), "a dry run changes nothing");
        assertTrue(keptCopies().isEmpty());
    }

    @Test
    void aSafetyBackupThatCannotBeWrittenKeepsAByteCopyOfAReadableSqliteTarget() throws Exception {
        SampleDatabase.addMessage(app, "written after the backup");
        byte[] current = Files.readAllBytes(app);
        Files.writeString(dir.resolve("backups/pre-restore"), "a file where the safety backups folder should be");

        Cli.Result restore = Cli.run(dir, ENV, "restore", "latest", "--clean", "--yes");

        assertEquals(0, restore.exitCode(), restore::toString);
        List<Path> kept = keptCopies("app.db.pre-restore-");
        assertEquals(1, kept.size(), restore::toString);
        assertTrue(keptCopies().isEmpty(), "a readable file is not called corrupted");
        assertArrayEquals(current, Files.readAllBytes(kept.get(0)));
        assertTrue(restore.stderr().contains("WARN") && restore.stderr().contains("safety backup"), restore::toString);
        SqliteDatabaseComparator.assertSameContent(beforeDamage, app);
        assertNotEquals(SampleDatabase.count(kept.get(0), "messages"), SampleDatabase.count(app, "messages"));
    }

    @Test
    void noSafetyBackupRestoresWithAWarningAndWritesNoSafetyBackup() throws Exception {
        Cli.Result restore = Cli.run(dir, ENV, "restore", "latest", "--clean", "--yes", "--no-safety-backup");

        assertEquals(0, restore.exitCode(), restore::toString);
        assertTrue(restore.all().contains("no safety backup"), restore::toString);
        assertFalse(Files.exists(dir.resolve("backups/pre-restore")) && hasFiles(dir.resolve("backups/pre-restore")), restore::toString);
        SqliteDatabaseComparator.assertSameContent(beforeDamage, app);
    }

    private static boolean hasFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.findAny().isPresent();
        }
    }
}
