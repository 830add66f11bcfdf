package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpProgress;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.testing.PostgresFixtures;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import dev.dbbackup.testing.PostgresTortureDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.sql.ResultSet;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --schema, --exclude-schema, --exclude-table-data, --no-owner, --no-privileges, --jobs and --dumper pg_dump. */
class PostgresDumpOptionsIT {

    private static PostgresServer server;
    private static String torture;

    @BeforeAll
    static void createTortureDatabase() {
        server = PostgresServers.version(PostgresServers.newest());
        torture = PostgresTortureDatabase.create(server);
    }

    private static DumpOptions options(List<String> schemas, List<String> excludeSchemas, List<String> excludeData,
                                       boolean noOwner, boolean noPrivileges, int jobs) {
        return new DumpOptions(schemas, excludeSchemas, excludeData, noOwner, noPrivileges, jobs, DumpProgress.NONE);
    }

    @Test
    void schemaOptionDumpsOnlyThatSchema() throws Exception {
        Path file = RoundTrip.dumpFile("only-mixed-case");
        DumpResult result = RoundTrip.dump(server, torture, options(List.of("Mixed Case"), List.of(), List.of(), false, false, 1), file);
        assertEquals(List.of("Mixed Case.Table With Spaces", "Mixed Case.select"), result.tableRows().keySet().stream().sorted().toList());

        String target = server.createDatabase("only_mixed_case");
        Map<String, Long> restored = RoundTrip.restore(server, target, file, RestoreOptions.defaults());
        assertEquals(result.tableRows(), restored);
        PostgresSnapshot after = PostgresSnapshot.take(server, target);
        assertTrue(after.schema.containsKey("view Mixed Case.View"));
        assertFalse(after.schema.keySet().stream().anyMatch(k -> k.contains("shop.")), "nothing of schema shop");
    }

    @Test
    void excludeSchemaLeavesItOut() throws Exception {
        Path file = RoundTrip.dumpFile("without-mixed-case");
        DumpResult result = RoundTrip.dump(server, torture, options(List.of(), List.of("Mixed*"), List.of(), false, false, 1), file);
        assertFalse(result.tableRows().keySet().stream().anyMatch(k -> k.startsWith("Mixed Case.")));

        String target = server.createDatabase("without_mixed_case");
        RoundTrip.restore(server, target, file, RestoreOptions.defaults());
        PostgresSnapshot before = PostgresSnapshot.take(server, torture);
        PostgresSnapshot after = PostgresSnapshot.take(server, target);
        assertFalse(after.schema.containsKey("schema Mixed Case"));
        assertEquals(before.rows.get("shop.customer"), after.rows.get("shop.customer"));
    }

    @Test
    void excludeTableDataKeepsTheTableButNotItsRows() throws Exception {
        Path file = RoundTrip.dumpFile("without-kinds-data");
        DumpResult result = RoundTrip.dump(server, torture,
                options(List.of(), List.of(), List.of("shop.kinds", "hashed_*"), false, false, 1), file);
        assertFalse(result.tableRows().containsKey("shop.kinds"));
        assertFalse(result.tableRows().containsKey("shop.hashed_0"));

        String target = server.createDatabase("without_kinds_data");
        Map<String, Long> restored = RoundTrip.restore(server, target, file, RestoreOptions.defaults());
        assertEquals(0L, restored.get("shop.kinds"));
        assertEquals(0L, restored.get("shop.hashed_1"));
        assertEquals(5L, restored.get("shop.customer"));
    }

    @Test
    void noOwnerAndNoPrivilegesRestoreAsAnOrdinaryRole() throws Exception {
        String source = PostgresFixtures.load(server, "pagila");
        Path file = RoundTrip.dumpFile("pagila-no-owner");
        DumpResult result = RoundTrip.dump(server, source, options(List.of(), List.of(), List.of(), true, true, 1), file);
        String text = Files.readString(file);
        assertFalse(text.contains(" OWNER TO "), "no ownership statements");
        assertFalse(text.contains("GRANT ") || text.contains("REVOKE "), "no privilege statements");

        server.execute("postgres", "DROP ROLE IF EXISTS app_owner", "CREATE ROLE app_owner LOGIN PASSWORD 'app-secret'");
        String target = server.createDatabase("pagila_as_app");
        server.execute("postgres", "ALTER DATABASE " + target + " OWNER TO app_owner");
        server.execute(target, "ALTER SCHEMA public OWNER TO app_owner");
        Map<String, Long> restored;
        try (var session = RoundTrip.ENGINE.beginRestore(server.url(target, "app_owner", "app-secret"), RestoreOptions.defaults());
             var in = Files.newInputStream(file)) {
            session.apply(in);
            restored = session.rowCounts();
            session.commit();
        }
        assertEquals(result.tableRows(), restored);
        try (var c = server.connect(target); var rs = c.createStatement().executeQuery(
                "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'public'::regnamespace")) {
            rs.next();
            assertEquals("app_owner", rs.getString(1));
            assertFalse(rs.next());
        }

        // The ordinary role can also back the database up and restore it again, as on a managed server.
        var appUrl = server.url(target, "app_owner", "app-secret");
        Path again = RoundTrip.dumpFile("pagila-by-app-owner");
        DumpResult byApp;
        try (var out = Files.newOutputStream(again)) {
            byApp = RoundTrip.ENGINE.dump(appUrl, options(List.of(), List.of(), List.of(), true, true, 2), out);
        }
        assertEquals(result.tableRows(), byApp.tableRows());
        String copy = server.createDatabase("pagila_as_app_again");
        server.execute("postgres", "ALTER DATABASE " + copy + " OWNER TO app_owner");
        server.execute(copy, "ALTER SCHEMA public OWNER TO app_owner");
        try (var session = RoundTrip.ENGINE.beginRestore(server.url(copy, "app_owner", "app-secret"), RestoreOptions.defaults());
             var in = Files.newInputStream(again)) {
            session.apply(in);
            session.commit();
        }
        RoundTrip.assertSame(PostgresSnapshot.take(server, target), PostgresSnapshot.take(server, copy));
    }

    @Test
    void jobsCopyTablesInParallelFromOneSnapshotWithTheSameResult() throws Exception {
        Path serial = RoundTrip.dumpFile("torture-jobs-1");
        Path parallel = RoundTrip.dumpFile("torture-jobs-4");
        List<String> tablesDone = Collections.synchronizedList(new ArrayList<>());
        DumpResult one = RoundTrip.dump(server, torture, DumpOptions.defaults(), serial);
        DumpResult four = RoundTrip.dump(server, torture, new DumpOptions(List.of(), List.of(), List.of(), false, false, 4,
                (table, rows) -> tablesDone.add(table)), parallel);

        assertEquals(one.tableRows(), four.tableRows());
        assertEquals(new ArrayList<>(four.tableRows().keySet()), tablesDone);
        assertEquals(Files.readString(serial), Files.readString(parallel), "same snapshot, same bytes");
    }

    @Test
    void jobsReadingEveryTableInOneBlockRangesWritesTheSameBytes() throws Exception {
        // Parts of one block: every table of two blocks or more (here a partition) is read in ranges from PostgreSQL 14 on;
        // ParallelTableCopyIT covers dropped and generated columns, TOAST and holes left by deletes.
        Path serial = RoundTrip.dumpFile("torture-ranges-jobs-1");
        Path parallel = RoundTrip.dumpFile("torture-ranges-jobs-3");
        DumpResult one = RoundTrip.dump(server, torture, DumpOptions.defaults(), serial);
        DumpResult three = RoundTrip.dumpInParts(server, torture, options(List.of(), List.of(), List.of(), false, false, 3), parallel, 8192);
        assertEquals(one.tableRows(), three.tableRows());
        assertEquals(Files.readString(serial), Files.readString(parallel), "the ranges together are the whole tables, in order");
        try (Connection c = server.connect(torture); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(oid::regclass::text, ', ') FROM pg_class WHERE relkind = 'r'"
                     + " AND relnamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
                     + " AND pg_relation_size(oid) >= 2 * 8192")) {
            rs.next();
            assertNotNull(rs.getString(1), "a table of the torture database (a partition) was read in ranges");
        }
    }

    @Test
    void pgDumpDumperIsUsedWhenItCanDumpTheServer() throws Exception {
        int client = PostgresServer.pgDumpMajor();
        Assumptions.assumeTrue(client > 0, "pg_dump on PATH");
        PostgresServer old = PostgresServers.version(PostgresServers.oldest());
        Assumptions.assumeTrue(client >= old.major(), "pg_dump can dump the oldest server");
        PostgresTortureDatabase.ensureRole(old);
        String source = PostgresTortureDatabase.create(old);
        Path file = RoundTrip.dumpFile("torture-by-pg_dump");
        DumpResult result = RoundTrip.dump(old, source, DumpOptions.defaults().withDumper(DumpOptions.Dumper.PG_DUMP), file);
        RoundTrip.assertEndsWithMarker(file);
        assertTrue(Files.readString(file).contains("-- PostgreSQL database dump complete"));

        String target = old.createDatabase("restored_from_pg_dump_dumper");
        Map<String, Long> restored = RoundTrip.restore(old, target, file, RestoreOptions.defaults());
        assertEquals(result.tableRows(), restored);
    }

    @Test
    void pgDumpDumperRefusesANewerServer() {
        int client = PostgresServer.pgDumpMajor();
        Assumptions.assumeTrue(client > 0 && client < server.major(), "pg_dump on PATH older than the newest server");
        EngineException e = assertThrows(EngineException.class, () -> RoundTrip.ENGINE.dump(server.url(torture),
                DumpOptions.defaults().withDumper(DumpOptions.Dumper.PG_DUMP), OutputStream.nullOutputStream()));
        assertTrue(e.getMessage().contains("cannot dump a newer server"), e.getMessage());
    }
}
