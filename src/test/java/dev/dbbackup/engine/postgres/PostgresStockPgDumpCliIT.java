package dev.dbbackup.engine.postgres;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import dev.dbbackup.testing.PostgresTortureDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain dumps written by the stock pg_dump on this machine (the seed's old {@code pg_dump | gzip} backups), restored
 * and verified through the packaged command line: with the psql restrict/unrestrict meta-command lines that pg_dump
 * 15.14, 16.10, 17.6 and 18 write, and in the older form without them, gzipped and plain. A file cut short before
 * pg_dump's "dump complete" line is still refused.
 */
class PostgresStockPgDumpCliIT {

    @TempDir
    Path dir;

    static List<Integer> versionsStockPgDumpCanDump() {
        List<Integer> out = new ArrayList<>();
        for (int v : PostgresServers.available()) {
            if (PostgresServer.pgDumpMajor() >= v) {
                out.add(v);
            }
        }
        return out;
    }

    private static String url(PostgresServer server, String database) {
        return "postgresql://postgres@127.0.0.1:" + server.port() + "/" + database;
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versionsStockPgDumpCanDump")
    void restoresAndVerifiesStockPgDumpFilesWithAndWithoutRestrictAndRefusesATruncatedOne(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        String source = PostgresTortureDatabase.create(server);
        String withRestrict = server.pgDump(source, List.of());
        assertTrue(withRestrict.startsWith("--") && withRestrict.contains("\n\\restrict "), "pg_dump " + PostgresServer.pgDumpMajor()
                + " writes \\restrict (15.14 and later)");
        assertTrue(withRestrict.strip().matches("(?s).*\n-- PostgreSQL database dump complete\n--\n\n\\\\unrestrict [A-Za-z0-9]+"),
                "the file ends with the complete marker, '--' and \\unrestrict");
        // pg_dump before 15.14/16.10/17.6 wrote no restrict/unrestrict lines: the same real output with only those two lines removed.
        String older = withRestrict.replaceAll("(?m)^\\\\(un)?restrict [A-Za-z0-9]+\n", "");
        assertTrue(older.strip().endsWith("-- PostgreSQL database dump complete\n--"), "the older form ends with '--'");

        // What stock psql makes of the file is the reference (pg_dump itself loses a few things on older servers,
        // such as a REVOKE on schema public on 12); the rows must be the source's.
        Path forPsql = plain("for-psql.sql", withRestrict);
        forPsql.toFile().setReadable(true, false);
        dir.toFile().setExecutable(true, false);
        String byPsql = server.createDatabase("stock_pg_dump_by_psql");
        server.psql(byPsql, List.of("-f", forPsql.toString()));
        PostgresSnapshot reference = PostgresSnapshot.take(server, byPsql);
        PostgresSnapshot original = PostgresSnapshot.take(server, source);
        // pg_dump's CREATE TABLE ... INHERITS reorders the columns of a child that joined its parent with ALTER TABLE
        // ... INHERIT (our dumper keeps them: PostgresInheritanceIT), so that table's row text is compared by psql's copy.
        java.util.Map<String, String> sourceRows = new java.util.TreeMap<>(original.rows);
        java.util.Map<String, String> psqlRows = new java.util.TreeMap<>(reference.rows);
        sourceRows.remove("ext.late_child");
        psqlRows.remove("ext.late_child");
        assertEquals(sourceRows, psqlRows);

        List<Path> files = List.of(gzip("restrict.sql.gz", withRestrict), plain("restrict.sql", withRestrict),
                gzip("older.sql.gz", older), plain("older.sql", older));
        for (Path file : files) {
            Cli.Result verify = Cli.run(dir, Map.of(), "verify", file.toString());
            assertEquals(0, verify.exitCode(), verify::toString);
            assertTrue(verify.stdout().contains("end marker"), verify.stdout());

            String target = server.createDatabase("from_stock_pg_dump");
            Cli.Result restore = Cli.run(dir, Map.of(), "restore", file.toString(), "--database-url", url(server, target), "--yes");
            assertEquals(0, restore.exitCode(), restore::toString);
            PostgresSnapshot restored = PostgresSnapshot.take(server, target);
            RoundTrip.assertSame(reference, restored);
            java.util.Map<String, String> restoredRows = new java.util.TreeMap<>(restored.rows);
            restoredRows.remove("ext.late_child");
            assertEquals(sourceRows, restoredRows);
            assertEquals(original.sequences, restored.sequences);
            RoundTrip.assertSamePgDumpSchema(server, byPsql, target, "stock-pg-dump-" + version);
            server.dropDatabase(target);
        }

        // Cut short just before the complete marker: every statement is there, but nothing proves the end was reached.
        String truncated = withRestrict.substring(0, withRestrict.indexOf("-- PostgreSQL database dump complete"));
        for (Path file : List.of(gzip("truncated.sql.gz", truncated), plain("truncated.sql", truncated))) {
            Cli.Result verify = Cli.run(dir, Map.of(), "verify", file.toString());
            assertEquals(3, verify.exitCode(), verify::toString);
            assertTrue(verify.stdout().contains("the dump has no end marker"), verify.toString());

            String target = server.createDatabase("from_truncated_pg_dump");
            Cli.Result restore = Cli.run(dir, Map.of(), "restore", file.toString(), "--database-url", url(server, target), "--yes");
            assertEquals(3, restore.exitCode(), restore::toString);
            assertTrue(restore.stderr().contains("end marker"), restore.stderr());
            try (Connection c = server.connect(target); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_catalog.pg_class WHERE relnamespace NOT IN "
                         + "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema', 'pg_toast'))")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "nothing of the truncated file was restored");
            }
            server.dropDatabase(target);
        }
        server.dropDatabase(byPsql);
        server.dropDatabase(source);
    }

    private Path gzip(String name, String sql) throws Exception {
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(sql.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private Path plain(String name, String sql) throws Exception {
        return Files.writeString(dir.resolve(name), sql);
    }
}
