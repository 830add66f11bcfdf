package dev.dbbackup.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.OtherUser;
import dev.dbbackup.testing.SampleDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17.1: a less trusted user who can write the application's folder (here {@value OtherUser#NAME}, a real second user)
 * plants links where dbbackup, run by root, writes its own files. Every such file is opened without following links: the
 * run names the link, and the root-owned file the link points to is never written.
 */
class PlantedLinksCliIT {

    private static final String PRECIOUS = "root's precious file\n";

    private Path app;
    private Path rootOnly;
    private Path victim;

    @BeforeEach
    void setUp() throws Exception {
        app = OtherUser.ownedFolder("dbbackup-app-");
        SampleDatabase.create(app.resolve("app.db"));
        OtherUser.chown(app.resolve("app.db"));
        OtherUser.run("mkdir", app.resolve("backups").toString());
        rootOnly = Files.createTempDirectory(Path.of("/tmp"), "dbbackup-root-");
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwx--x--x"));
        victim = rootOnly.resolve("victim.conf");
        Files.writeString(victim, PRECIOUS);
    }

    @AfterEach
    void tearDown() throws Exception {
        OtherUser.remove(app);
        OtherUser.remove(rootOnly);
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "sqlite:///" + app.resolve("app.db"));
        env.put("BACKUP_DIR", app.resolve("backups").toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private void plantLink(Path where) throws Exception {
        OtherUser.run("ln", "-s", victim.toString(), where.toString());
        assertTrue(Files.isSymbolicLink(where));
    }

    private void assertVictimUntouched() throws Exception {
        assertEquals(PRECIOUS, Files.readString(victim), "the file behind the link must not be written");
    }

    @Test
    void linkAtTheSqliteDatabaseLockIsRefusedByName() throws Exception {
        Path lock = app.resolve("app.db.dbbackup-lock");
        plantLink(lock);
        Path elsewhere = Files.createTempDirectory(rootOnly, "backups-");

        Cli.Result result = Cli.run(app, env("BACKUP_DIR", elsewhere.toString()), "backup");

        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("error: cannot lock " + app.resolve("app.db") + ": " + lock + " is a symbolic link"),
                result::toString);
        assertTrue(result.stderr().contains("hint: "), result::toString);
        assertFalse(result.stderr().contains("credentials"), result::toString);
        assertVictimUntouched();
        assertTrue(Files.isSymbolicLink(lock), "the planted link is reported, not silently removed");
    }

    @Test
    void linkAtTheBackupFolderLockIsRefusedByName() throws Exception {
        Path lock = app.resolve("backups/.dbbackup.lock");
        plantLink(lock);

        Cli.Result result = Cli.run(app, env(), "backup");

        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains(lock + " is a symbolic link (to " + victim + ")"), result::toString);
        assertTrue(result.stderr().contains("hint: remove " + lock), result::toString);
        assertVictimUntouched();
    }

    @Test
    void linkOrHardLinkAtTheSizeHistoryIsNeverAppendedTo() throws Exception {
        Path history = app.resolve("backups/size_history.csv");
        plantLink(history);

        Cli.Result linked = Cli.run(app, env(), "backup");

        assertEquals(0, linked.exitCode(), "the backup itself is good: " + linked);
        assertTrue(linked.stderr().contains(history + " is a symbolic link"), linked::toString);
        assertVictimUntouched();

        // A second name of root's file (what the other user can make where fs.protected_hardlinks is 0).
        Files.delete(history);
        Files.createLink(history, victim);
        Cli.Result hardLinked = Cli.run(app, env("DBBACKUP_NOW", "2030-01-01T00:00:00Z"), "backup");

        assertEquals(0, hardLinked.exitCode(), hardLinked::toString);
        assertTrue(hardLinked.stderr().contains(history + " has 2 names (hard links)"), hardLinked::toString);
        assertVictimUntouched();
    }

    @Test
    void sizeHistoryOwnedByTheOtherUserIsNotWrittenByRoot() throws Exception {
        Path history = app.resolve("backups/size_history.csv");
        OtherUser.run("sh", "-c", "printf 'timestamp,database,type,bytes,duration_s\\n' > " + history);

        Cli.Result result = Cli.run(app, env(), "backup");

        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains(history + " is owned by " + OtherUser.NAME), result::toString);
        assertEquals("timestamp,database,type,bytes,duration_s\n", Files.readString(history));
    }

    @Test
    void linkAtTheLogFileFailsTheRunBeforeAnythingIsWritten() throws Exception {
        OtherUser.run("mkdir", app.resolve("logs").toString());
        Path log = app.resolve("logs/backup.log");
        plantLink(log);

        Cli.Result result = Cli.run(app, env(), "backup", "--log-file", log.toString());

        assertEquals(2, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("error: log file " + log + " is a symbolic link"), result::toString);
        assertVictimUntouched();
        try (var files = Files.list(app.resolve("backups"))) {
            assertEquals(0, files.count(), "no backup was written");
        }
    }

    @Test
    void linkAtTheMetricsFileIsReplacedNotFollowed() throws Exception {
        Path metrics = app.resolve("backups/dbbackup.prom");
        plantLink(metrics);
        plantLink(app.resolve("backups/.dbbackup.prom.tmp")); // the temporary name earlier versions used

        Cli.Result result = Cli.run(app, env("BACKUP_METRICS_FILE", metrics.toString()), "backup");

        assertEquals(0, result.exitCode(), result::toString);
        assertVictimUntouched();
        assertFalse(Files.isSymbolicLink(metrics), "the rename replaced the link itself");
        assertTrue(Files.readString(metrics).contains("backup_last_success"), "metrics written");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(metrics, LinkOption.NOFOLLOW_LINKS)));
    }

    @Test
    void linkAtThePreviousCopyOfARestoredSqliteDatabaseIsReplacedNotFollowed() throws Exception {
        Path backupDir = Files.createTempDirectory(rootOnly, "backups-");
        Cli.Result backup = Cli.run(app, env("BACKUP_DIR", backupDir.toString()), "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        plantLink(app.resolve("app.db.bak"));

        Cli.Result restore = Cli.run(app, env("BACKUP_DIR", backupDir.toString()), "restore", "latest", "--clean", "--yes");

        assertEquals(0, restore.exitCode(), restore::toString);
        assertVictimUntouched();
        assertFalse(Files.isSymbolicLink(app.resolve("app.db.bak")));
        assertEquals(new String(Files.readAllBytes(app.resolve("app.db.bak")), StandardCharsets.ISO_8859_1).substring(0, 15),
                "SQLite format 3");
    }
}
