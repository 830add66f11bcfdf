package dev.dbbackup.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import dev.dbbackup.testing.SampleDatabase;
import dev.dbbackup.testing.SqliteDatabaseComparator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two databases backed up into one folder (the default {@code ./backups}): each keeps its own backups, {@code latest},
 * {@code health} and {@code list} are per database, and a backup of one database never replaces the other without
 * {@code --from-database}.
 */
class SharedBackupFolderDrillIT {

    private static final String APP1_FILE = "backups/daily/backup_daily_20251103_020000.sql.gz";
    private static final String APP2_FILE = "backups/daily/backup_daily_20251103_020500.sql.gz";

    @TempDir
    Path dir;

    private Path app1;
    private Path app2;
    private Path app1AtBackup;
    private Path app2AtBackup;

    private static Map<String, String> env(String database, String now) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "sqlite:///./" + database);
        if (now != null) {
            env.put("DBBACKUP_NOW", now);
        }
        return env;
    }

    @BeforeEach
    void twoDatabasesBackedUpIntoOneFolder() throws Exception {
        app1 = SampleDatabase.create(dir.resolve("app1.db"));
        SampleDatabase.addMessage(app1, "only in app1");
        app2 = SampleDatabase.create(dir.resolve("app2.db"));
        SampleDatabase.addMessage(app2, "only in app2");
        SampleDatabase.addMessage(app2, "only in app2, too");
        Cli.Result first = Cli.run(dir, env("app1.db", "2025-11-03T02:00:00Z"), "backup");
        assertEquals(0, first.exitCode(), first::toString);
        Cli.Result second = Cli.run(dir, env("app2.db", "2025-11-03T02:05:00Z"), "backup");
        assertEquals(0, second.exitCode(), second::toString);
        app1AtBackup = Files.copy(app1, dir.resolve("app1-at-backup.db"));
        app2AtBackup = Files.copy(app2, dir.resolve("app2-at-backup.db"));
    }

    @Test
    void theSecondDatabasesBackupKeepsTheFirstDatabasesOnlyBackup() {
        assertTrue(Files.exists(dir.resolve(APP1_FILE)), "app1's only backup must survive app2's retention");
        assertTrue(Files.exists(dir.resolve(APP2_FILE)));
        Cli.Result prune = Cli.run(dir, env("app2.db", "2025-11-03T03:00:00Z"), "prune");
        assertEquals(0, prune.exitCode(), prune::toString);
        assertTrue(Files.exists(dir.resolve(APP1_FILE)), "prune plans each database on its own: " + prune);
        Cli.Result keepLast = Cli.run(dir, env("app1.db", null), "prune", "--keep-last", "1");
        assertEquals(0, keepLast.exitCode(), keepLast::toString);
        assertTrue(Files.exists(dir.resolve(APP1_FILE)) && Files.exists(dir.resolve(APP2_FILE)), keepLast::toString);
    }

    @Test
    void restoreLatestCleanRestoresTheTargetsOwnBackup() throws Exception {
        SampleDatabase.addMessage(app1, "written after the backup");

        Cli.Result restore = Cli.run(dir, env("app1.db", null), "restore", "latest", "--clean", "--yes");

        assertEquals(0, restore.exitCode(), restore::toString);
        assertTrue(restore.stdout().contains("backup_daily_20251103_020000.sql.gz"), restore::toString);
        SqliteDatabaseComparator.assertSameContent(app1AtBackup, app1);
    }

    @Test
    void anotherDatabasesBackupIsRefusedUntilFromDatabaseNamesIt() throws Exception {
        byte[] before = Files.readAllBytes(app1);

        Cli.Result refused = Cli.run(dir, env("app1.db", null), "restore", APP2_FILE, "--clean", "--yes");

        assertEquals(2, refused.exitCode(), refused::toString);
        assertTrue(refused.stderr().lines().anyMatch(l -> l.startsWith("error: ") && l.contains("app2.db") && l.contains("app1.db")),
                refused::toString);
        assertTrue(refused.stderr().lines().anyMatch(l -> l.startsWith("hint: ") && l.contains("--from-database app2.db")),
                refused::toString);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(app1)), "nothing was changed");

        Cli.Result wrongName = Cli.run(dir, env("app1.db", null), "restore", APP2_FILE, "--clean", "--yes", "--from-database", "app3.db");
        assertEquals(2, wrongName.exitCode(), wrongName::toString);

        Cli.Result explicit = Cli.run(dir, env("app1.db", null), "restore", APP2_FILE, "--clean", "--yes", "--from-database", "app2.db");
        assertEquals(0, explicit.exitCode(), explicit::toString);
        SqliteDatabaseComparator.assertSameContent(app2AtBackup, app1);

        Cli.Result latestOfApp2 = Cli.run(dir, env("app1.db", null), "restore", "latest", "--clean", "--yes", "--from-database", "app2.db");
        assertEquals(0, latestOfApp2.exitCode(), latestOfApp2::toString);
        assertTrue(latestOfApp2.stdout().contains("backup_daily_20251103_020500.sql.gz"), latestOfApp2::toString);
    }

    @Test
    void aRecoveryRestoreIntoANewFileNeedsNoFlag() throws Exception {
        Cli.Result restore = Cli.run(dir, env("app1.db", null), "restore", APP1_FILE, "--database-url", "sqlite:///./recovery.db", "--yes");

        assertEquals(0, restore.exitCode(), restore::toString);
        SqliteDatabaseComparator.assertSameContent(app1AtBackup, dir.resolve("recovery.db"));
    }

    @Test
    void listGroupsByDatabaseAndHealthIsPerDatabase() throws Exception {
        Cli.Result list = Cli.run(dir, env("app1.db", "2025-11-03T03:00:00Z"), "list");
        assertEquals(0, list.exitCode(), list::toString);
        List<String> lines = list.stdout().lines().toList();
        int app1Header = indexOf(lines, "DATABASE sqlite://" + app1.toRealPath());
        int app2Header = indexOf(lines, "DATABASE sqlite://" + app2.toRealPath());
        assertTrue(app1Header >= 0 && app2Header >= 0, list::toString);
        int app1Row = indexOf(lines, "backup_daily_20251103_020000.sql.gz");
        int app2Row = indexOf(lines, "backup_daily_20251103_020500.sql.gz");
        assertTrue(app1Row > app1Header && (app2Header < app1Header || app1Row < app2Header), list::toString);
        assertTrue(app2Row > app2Header && (app1Header < app2Header || app2Row < app1Header), list::toString);
        assertTrue(lines.get(app1Row).contains("daily 2025-11-03") && lines.get(app2Row).contains("daily 2025-11-03"), list::toString);

        Cli.Result json = Cli.run(dir, env("app1.db", "2025-11-03T03:00:00Z"), "list", "--format", "json");
        assertTrue(json.stdout().replaceAll("\\s", "").contains("\"database\":\"sqlite://" + app1.toRealPath() + "\""), json::toString);

        Cli.Result health = Cli.run(dir, env("app1.db", "2025-11-03T03:00:00Z"), "health");
        assertEquals(0, health.exitCode(), health::toString);
        assertTrue(health.stdout().startsWith("UP"), health::toString);
        Cli.Result other = Cli.run(dir, env("other.db", "2025-11-03T03:00:00Z"), "health");
        assertEquals(8, other.exitCode(), "a database with no backup of its own is not healthy: " + other);
    }

    @Test
    void aManifestWithoutIdentityIsAttributedByTheDatabaseNameItCarries() throws Exception {
        Path manifest = dir.resolve(APP1_FILE + ".json");
        String json = Files.readString(manifest);
        String legacy = json.replaceAll(",\\s*\"databaseId\"\\s*:\\s*\"[^\"]*\"", "").replaceAll("\"databaseId\"\\s*:\\s*\"[^\"]*\"\\s*,", "");
        assertFalse(legacy.contains("databaseId"), legacy);
        Files.writeString(manifest, legacy);
        SampleDatabase.addMessage(app1, "written after the backup");

        Cli.Result restore = Cli.run(dir, env("app1.db", null), "restore", "latest", "--clean", "--yes");

        assertEquals(0, restore.exitCode(), restore::toString);
        assertTrue(restore.stdout().contains("backup_daily_20251103_020000.sql.gz"), restore::toString);
        SqliteDatabaseComparator.assertSameContent(app1AtBackup, app1);
        Cli.Result backup = Cli.run(dir, env("app2.db", "2025-11-03T04:00:00Z"), "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        assertTrue(Files.exists(dir.resolve(APP1_FILE)), "an old manifest of app1 is app1's, whatever app2's retention says");
    }

    @Test
    void twoFilesCalledAppDbInDifferentFoldersAreTwoDatabases() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        SampleDatabase.create(a.resolve("app.db"));
        SampleDatabase.create(b.resolve("app.db"));
        Map<String, String> envA = new HashMap<>(Map.of("DATABASE_URL", "sqlite:///./app.db", "BACKUP_DIR", "../shared",
                "DBBACKUP_NOW", "2025-11-04T02:00:00Z"));
        Map<String, String> envB = new HashMap<>(envA);
        envB.put("DBBACKUP_NOW", "2025-11-04T02:01:00Z");
        assertEquals(0, Cli.run(a, envA, "backup").exitCode());
        assertEquals(0, Cli.run(b, envB, "backup").exitCode());
        try (Stream<Path> files = Files.list(dir.resolve("shared/daily"))) {
            assertEquals(2, files.filter(p -> p.toString().endsWith(".sql.gz")).count(), "both app.db keep their backup");
        }
    }

    @Test
    void postgresRestoreLatestCleanRestoresItsOwnDatabaseNotTheOneBackedUpLast() throws IOException {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String one = server.createDatabase("drill_app1");
        String two = server.createDatabase("drill_app2");
        server.execute(one, "CREATE TABLE bots (id int PRIMARY KEY, name text)", "INSERT INTO bots VALUES (1, 'app1 bot')");
        server.execute(two, "CREATE TABLE bots (id int PRIMARY KEY, name text)", "INSERT INTO bots VALUES (2, 'app2 bot'), (3, 'x')");
        Map<String, String> envOne = Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + server.port() + "/" + one);
        Map<String, String> envTwo = Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + server.port() + "/" + two);
        assertEquals(0, Cli.run(dir, envOne, "backup").exitCode());
        PostgresSnapshot oneAtBackup = PostgresSnapshot.take(server, one);
        assertEquals(0, Cli.run(dir, envTwo, "backup").exitCode());
        server.execute(one, "DELETE FROM bots");

        Cli.Result restore = Cli.run(dir, envOne, "restore", "latest", "--clean", "--yes");

        assertEquals(0, restore.exitCode(), restore::toString);
        assertEquals(List.of(), oneAtBackup.differences(PostgresSnapshot.take(server, one)));
        server.dropDatabase(one);
        server.dropDatabase(two);
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
