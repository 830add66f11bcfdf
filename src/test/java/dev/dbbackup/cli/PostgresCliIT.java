package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import dev.dbbackup.testing.PostgresTortureDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's workflow with DATABASE_URL=postgresql://…, through the real packaged command line and real servers. */
class PostgresCliIT {

    private static final String PASSWORD = "Pw-9f3k2-never-printed";

    @TempDir
    Path dir;

    private final List<Cli.Result> outputs = new ArrayList<>();

    private String url(PostgresServer server, String database) {
        return "postgresql://postgres:" + PASSWORD + "@127.0.0.1:" + server.port() + "/" + database;
    }

    private Cli.Result dbbackup(Map<String, String> env, String... args) {
        Cli.Result result = Cli.run(dir, env, args);
        outputs.add(result);
        return result;
    }

    private Map<String, String> env(PostgresServer server, String database, String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", url(server, database));
        env.put("BACKUP_LOG_FILE", "logs/backup.log");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void backupRestoreVerifyAndTestRestoreOnTheNewestServerNeverPrintingThePassword() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String source = PostgresTortureDatabase.create(server);

        Cli.Result backup = dbbackup(env(server, source), "backup", "--type", "daily");
        assertEquals(0, backup.exitCode(), backup::toString);
        Path file;
        try (Stream<Path> files = Files.list(dir.resolve("backups/daily"))) {
            file = files.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
        }
        assertEquals(0, Cli.tool(dir, "gunzip", "-t", file.toString()).exitCode());

        String empty = server.createDatabase("restored");
        Cli.Result restore = dbbackup(env(server, source), "restore", "latest", "--database-url", url(server, empty), "--yes");
        assertEquals(0, restore.exitCode(), restore::toString);
        assertEquals(List.of(), PostgresSnapshot.take(server, source).differences(PostgresSnapshot.take(server, empty)));

        Cli.Result refused = dbbackup(env(server, source), "restore", "latest", "--database-url", url(server, empty), "--yes");
        assertEquals(4, refused.exitCode(), "a target with tables is refused: " + refused);
        assertTrue(refused.stderr().contains("--clean"), refused.stderr());

        server.execute(empty, "CREATE TABLE added_after_backup(x int)");
        Cli.Result clean = dbbackup(env(server, source), "restore", "latest", "--database-url", url(server, empty), "--clean", "--yes",
                "--from-database", source);
        assertEquals(0, clean.exitCode(), clean::toString);
        assertTrue(clean.stdout().contains("safety backup of the previous database: "), clean.stdout());
        assertEquals(List.of(), PostgresSnapshot.take(server, source).differences(PostgresSnapshot.take(server, empty)));

        Cli.Result testRestore = dbbackup(env(server, source), "verify", "--restore", "latest");
        assertEquals(0, testRestore.exitCode(), testRestore::toString);
        assertTrue(testRestore.stdout().contains("test-restore ("), testRestore.stdout());
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'dbbackup_scratch_%'")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "the scratch database was dropped");
        }

        Cli.Result unreachable = dbbackup(env(server, "no_such_database"), "backup");
        assertFalse(unreachable.exitCode() == 0, unreachable::toString);
        Cli.Result wrongPort = dbbackup(Map.of("DATABASE_URL", "postgresql://postgres:" + PASSWORD + "@127.0.0.1:1/x"), "backup");
        assertFalse(wrongPort.exitCode() == 0, wrongPort::toString);
        assertEquals(0, dbbackup(env(server, source), "list", "--format", "json").exitCode());

        for (Cli.Result output : outputs) {
            assertFalse(output.all().contains(PASSWORD), "the password appears in: " + output);
            assertFalse(output.all().contains(PostgresTortureDatabase.MAPPING_PASSWORD), "a user mapping's password appears in: " + output);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path written : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (written.toString().endsWith(".json") || written.toString().endsWith(".log")) {
                    assertFalse(Files.readString(written).contains(PASSWORD), "the password appears in " + written);
                    assertFalse(Files.readString(written).contains(PostgresTortureDatabase.MAPPING_PASSWORD),
                            "a user mapping's password appears in " + written);
                }
            }
        }
        server.dropDatabase(empty);
        server.dropDatabase(source);
    }

    @Test
    void aDumpOfTheOldestServerRestoresIntoTheNewest() throws Exception {
        PostgresServer oldest = PostgresServers.version(PostgresServers.oldest());
        PostgresServer newest = PostgresServers.version(PostgresServers.newest());
        String source = PostgresTortureDatabase.create(oldest);
        PostgresTortureDatabase.ensureRole(newest);
        assertEquals(0, dbbackup(env(oldest, source), "backup", "--type", "daily").exitCode());
        String target = newest.createDatabase("from_oldest");
        Cli.Result restore = dbbackup(env(oldest, source), "restore", "latest", "--database-url", url(newest, target), "--yes");
        assertEquals(0, restore.exitCode(), restore::toString);
        assertEquals(List.of(), PostgresSnapshot.take(oldest, source, true).acrossVersions()
                .differences(PostgresSnapshot.take(newest, target, true).acrossVersions()));
        oldest.dropDatabase(source);
        newest.dropDatabase(target);
    }

    @Test
    void aBackupWhoseCopyDataLostARowIsRefusedOnRestoreAndChangesNothing() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String source = server.createDatabase("lost_row_source");
        server.execute(source, "CREATE TABLE public.items (id int PRIMARY KEY, name text)",
                "INSERT INTO public.items SELECT i, 'item ' || i FROM generate_series(1, 50) AS i");
        assertEquals(0, dbbackup(env(server, source), "backup", "--type", "daily").exitCode());
        Path file;
        try (Stream<Path> files = Files.list(dir.resolve("backups/daily"))) {
            file = files.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
        }

        // One row of the COPY data goes missing, and the sizes and checksums in the manifest are made to match the
        // damaged file: only the row counts can tell.
        byte[] oldPlain;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            oldPlain = in.readAllBytes();
        }
        String sql = new String(oldPlain, StandardCharsets.UTF_8);
        assertTrue(sql.contains("\n17\titem 17\n"), "the dump holds row 17");
        byte[] newPlain = sql.replace("\n17\titem 17\n", "\n").getBytes(StandardCharsets.UTF_8);
        byte[] oldStored = Files.readAllBytes(file);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(stored)) {
            gzip.write(newPlain);
        }
        byte[] newStored = stored.toByteArray();
        Files.write(file, newStored);
        Path json = Path.of(file + ".json");
        String manifest = Files.readString(json);
        assertTrue(manifest.contains("\"public.items\" : 50"), manifest);
        Files.writeString(json, manifest
                .replace(sha256(oldPlain), sha256(newPlain)).replace("\"bytes\" : " + oldPlain.length + ",", "\"bytes\" : " + newPlain.length + ",")
                .replace(sha256(oldStored), sha256(newStored)).replace("\"bytes\" : " + oldStored.length + ",", "\"bytes\" : " + newStored.length + ","));

        String target = server.createDatabase("lost_row_target");
        Cli.Result restore = dbbackup(env(server, source), "restore", "latest", "--database-url", url(server, target), "--yes");
        assertEquals(3, restore.exitCode(), restore::toString);
        assertTrue(restore.stderr().contains("public.items: manifest 50, restored 49"), restore.stderr());
        try (Connection c = server.connect(target); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "nothing was restored");
        }
        server.dropDatabase(target);
        server.dropDatabase(source);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
