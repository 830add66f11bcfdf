package dev.dbbackup.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17.2: a dump crafted to leave the restore's single transaction (every spelling of transaction control) is refused
 * at that statement, and since nothing before it could commit, {@code restore --clean} leaves the target exactly as it
 * was; the message says so only because it is so.
 */
class CraftedDumpCliIT {

    @TempDir
    Path dir;

    private static final List<String> ESCAPES = List.of(
            "COMMIT AND CHAIN;",
            "COMMIT /* x */ AND CHAIN;",
            "commit -- comment\n  and chain;",
            "END WORK AND CHAIN;",
            "ROLLBACK AND CHAIN;",
            "ABORT;",
            "PREPARE TRANSACTION 'escape';",
            "COMMIT PREPARED 'escape';",
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY;",
            "\\connect postgres");

    @Test
    void everyWayOutOfTheTransactionIsRefusedAndTheTargetIsUnchanged() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String db = server.createDatabase("crafted");
        server.execute(db, "CREATE TABLE account(id int PRIMARY KEY, owner text)", "INSERT INTO account VALUES (1, 'alice'), (2, 'bob')",
                "CREATE SCHEMA app", "CREATE TABLE app.orders(id int PRIMARY KEY, account int REFERENCES account)",
                "INSERT INTO app.orders VALUES (10, 1)");
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + server.port() + "/" + db);
        Cli.Result backup = Cli.run(dir, env, "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        Path written = Path.of(backup.stdout().lines().filter(l -> l.startsWith("backup written: ")).findFirst().orElseThrow()
                .substring("backup written: ".length()));
        String dump = gunzip(written);
        server.execute(db, "INSERT INTO account VALUES (3, 'carol')", "UPDATE app.orders SET account = 2");
        PostgresSnapshot before = PostgresSnapshot.take(server, db);

        int at = dump.indexOf("CREATE TABLE");
        assertTrue(at > 0, "the dump creates tables");
        for (String escape : ESCAPES) {
            String crafted = dump.substring(0, at) + escape + "\n" + dump.substring(at);
            long line = dump.substring(0, at).lines().count() + 1;
            Path file = dir.resolve("crafted.sql.gz");
            gzip(crafted, file);

            Cli.Result restore = Cli.run(dir, env, "restore", file.toString(), "--clean", "--yes", "--force");

            assertEquals(1, restore.exitCode(), escape + ": " + restore);
            assertTrue(restore.stderr().contains("line " + line), escape + " named by its line " + line + ": " + restore);
            assertEquals(List.of(), before.differences(PostgresSnapshot.take(server, db)), escape + ": the target must be unchanged");
            if (!escape.startsWith("\\")) {
                assertTrue(restore.stderr().contains("the target is unchanged"), escape + ": " + restore);
            }
        }
        server.execute("postgres", "SELECT 1"); // no prepared transaction is left to commit later
        try (var c = server.connect("postgres"); var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM pg_prepared_xacts")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "no prepared transaction left behind");
        }
        server.dropDatabase(db);
    }

    @Test
    void aStatementHiddenByChangingStringSyntaxMidFileIsReadAsTheServerReadsIt() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String db = server.createDatabase("smuggle");
        server.execute(db, "CREATE TABLE keep(id int)", "INSERT INTO keep VALUES (1)");
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + server.port() + "/" + db);
        PostgresSnapshot before = PostgresSnapshot.take(server, db);
        // A reader that only followed SET lines would take the middle line for one string; the server sees a COMMIT in it.
        String crafted = "SET standard_conforming_strings = off;\n"
                + "SELECT pg_catalog.set_config('standard_conforming_strings', 'on', false);\n"
                + "CREATE TABLE made_by_the_file(id int);\n"
                + "SELECT 'x\\'; COMMIT AND CHAIN; SELECT \\'';\n"
                + "CREATE TABLE other(id int);\n"
                + "-- PostgreSQL database dump complete\n";
        Path file = dir.resolve("smuggle.sql.gz");
        gzip(crafted, file);

        Cli.Result restore = Cli.run(dir, env, "restore", file.toString(), "--yes", "--force", "--clean");

        assertEquals(1, restore.exitCode(), restore::toString);
        assertTrue(restore.stderr().contains("line 4"), restore::toString);
        assertEquals(List.of(), before.differences(PostgresSnapshot.take(server, db)), "keep must still be there");
        server.dropDatabase(db);
    }

    @Test
    void copyToProgramIsRefusedUnlessTheFileIsTrusted() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String db = server.createDatabase("program");
        server.execute(db, "CREATE TABLE keep(id int)", "INSERT INTO keep VALUES (1)");
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + server.port() + "/" + db);
        PostgresSnapshot before = PostgresSnapshot.take(server, db);
        Path proof = Path.of("/tmp", "dbbackup-program-" + System.nanoTime());
        String crafted = "CREATE TABLE made_by_the_file(id int);\n"
                + "COPY (SELECT 1) TO PROGRAM 'touch " + proof + "';\n"
                + "-- PostgreSQL database dump complete\n";
        Path file = dir.resolve("program.sql.gz");
        gzip(crafted, file);

        Cli.Result refused = Cli.run(dir, env, "restore", file.toString(), "--yes", "--force", "--clean");

        assertEquals(1, refused.exitCode(), refused::toString);
        assertTrue(refused.stderr().contains("line 2") && refused.stderr().contains("--trust-file"), refused::toString);
        assertTrue(Files.notExists(proof), "the program never ran");
        assertEquals(List.of(), before.differences(PostgresSnapshot.take(server, db)));

        Cli.Result trusted = Cli.run(dir, env, "restore", file.toString(), "--yes", "--force", "--clean", "--trust-file");
        assertEquals(0, trusted.exitCode(), trusted::toString);
        assertTrue(Files.exists(proof), "a trusted file runs as psql would run it");
        Files.deleteIfExists(proof);
        server.dropDatabase(db);
    }

    private static String gunzip(Path file) throws Exception {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void gzip(String text, Path file) throws Exception {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
