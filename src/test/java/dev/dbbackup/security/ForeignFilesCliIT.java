package dev.dbbackup.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.pipeline.crypto.GnuPg;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.OtherUser;
import dev.dbbackup.testing.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17.7: in a backup folder another user can write, that user's 0600 backup and manifest (newer, so "latest") are
 * not restored by root without --force, and the message names the owner; a public key file of that user is not used.
 */
class ForeignFilesCliIT {

    private Path app;

    @BeforeEach
    void setUp() throws Exception {
        app = OtherUser.ownedFolder("dbbackup-foreign-");
        SampleDatabase.create(app.resolve("app.db"));
        OtherUser.run("mkdir", app.resolve("backups").toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        OtherUser.remove(app);
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

    private static long rows(Path database, String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            return rs.getLong(1);
        }
    }

    @Test
    void anotherUsersNewerBackupIsNotRestoredAsLatestWithoutForce() throws Exception {
        Cli.Result backup = Cli.run(app, env("DBBACKUP_NOW", "2026-01-01T01:00:00Z"), "backup", "--type", "daily");
        assertEquals(0, backup.exitCode(), backup::toString);
        // In the past: 'latest' never takes a backup dated after now (ClockJumpDrillIT).
        Path ours = app.resolve("backups/daily/backup_daily_20260101_010000.sql.gz");
        Path planted = app.resolve("backups/daily/backup_daily_20260102_010000.sql.gz");
        // The other user's files, 0600 and theirs (what that user can write into a folder it owns); a real attacker would
        // change the content too: the owner is what must count.
        Files.copy(ours, planted);
        Files.copy(Path.of(ours + ".json"), Path.of(planted + ".json"));
        OtherUser.chown(planted);
        OtherUser.chown(Path.of(planted + ".json"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + app.resolve("app.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE added_later(id int)");
        }

        Cli.Result refused = Cli.run(app, env(), "restore", "latest", "--clean", "--yes");

        assertEquals(3, refused.exitCode(), refused::toString);
        assertTrue(refused.stderr().contains(planted + " is owned by " + OtherUser.NAME), refused::toString);
        assertTrue(refused.stderr().contains("--force"), refused::toString);
        assertEquals(0, rows(app.resolve("app.db"), "added_later"), "the target is untouched");

        Cli.Result forced = Cli.run(app, env(), "restore", "latest", "--clean", "--yes", "--force");
        assertEquals(0, forced.exitCode(), forced::toString);
    }

    @Test
    void aPublicKeyFileOfAnotherUserIsNotUsedToEncrypt() throws Exception {
        Path keys = Files.createTempDirectory("dbbackup-gpg-");
        Path publicKey;
        try (GnuPg gpg = GnuPg.in(keys)) {
            Path pass = Files.writeString(keys.resolve("pass"), "key-pass\n");
            String key = gpg.generateKey("Other <other@example.org>", "ed25519", "cv25519", pass);
            publicKey = gpg.exportPublic(key, app.resolve("other.asc"), true);
        }
        OtherUser.chown(publicKey);

        Cli.Result backup = Cli.run(app, env("BACKUP_ENCRYPTION_PUBLIC_KEYS", publicKey.toString()), "backup");

        assertTrue(backup.exitCode() != 0, backup::toString);
        assertTrue(backup.stderr().contains(publicKey + " is owned by " + OtherUser.NAME), backup::toString);
        try (var files = Files.walk(app.resolve("backups"))) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().startsWith("backup_")).count(), "no backup written");
        }
        OtherUser.remove(keys);
    }
}
