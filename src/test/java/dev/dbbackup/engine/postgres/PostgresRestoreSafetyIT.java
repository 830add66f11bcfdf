package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.engine.TargetState;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import dev.dbbackup.testing.PostgresTortureDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A restore is all or nothing, --clean replaces, and inspect tells empty targets from full ones. */
class PostgresRestoreSafetyIT {

    private static PostgresServer server;
    private static String source;
    private static Path dump;

    @BeforeAll
    static void dumpTheTortureDatabase() throws Exception {
        server = PostgresServers.version(PostgresServers.newest());
        source = PostgresTortureDatabase.create(server);
        dump = RoundTrip.dumpFile("safety-torture");
        RoundTrip.dump(server, source, DumpOptions.defaults(), dump);
    }

    /** The dump with a failing statement just before its end marker, after all data and post-data. */
    private static Path brokenDump() throws Exception {
        String text = Files.readString(dump);
        int end = text.lastIndexOf(DumpMarkers.END_OF_DUMP);
        Path broken = RoundTrip.dumpFile("safety-torture-broken");
        Files.writeString(broken, text.substring(0, end) + "ALTER TABLE shop.customer ADD CONSTRAINT impossible CHECK (false);\n\n"
                + text.substring(end));
        return broken;
    }

    @Test
    void brokenStatementLateInTheDumpLeavesAnEmptyTargetEmpty() throws Exception {
        String target = server.createDatabase("broken_into_empty");
        EngineException e = assertThrows(EngineException.class,
                () -> RoundTrip.restore(server, target, brokenDump(), RestoreOptions.defaults()));
        assertTrue(e.getMessage().contains("ADD CONSTRAINT impossible"), e.getMessage());
        assertTrue(e.getMessage().contains("the target is unchanged"), e.getMessage());
        TargetState state = RoundTrip.ENGINE.inspect(server.url(target));
        assertTrue(state.isEmpty(), state.description());
    }

    @Test
    void brokenDumpWithCleanLeavesAFullTargetExactlyAsItWas() throws Exception {
        String target = server.createDatabase("broken_into_full");
        RoundTrip.restore(server, target, dump, RestoreOptions.defaults());
        server.execute(target, "INSERT INTO shop.cache VALUES ('only in target', 'x')", "CREATE TABLE public.extra (a int)");
        PostgresSnapshot before = PostgresSnapshot.take(server, target);

        assertThrows(EngineException.class, () -> RoundTrip.restore(server, target, brokenDump(), new RestoreOptions(true, true)));

        RoundTrip.assertSame(before, PostgresSnapshot.take(server, target));
    }

    @Test
    void cleanReplacesWhatTheTargetHeld() throws Exception {
        String target = server.createDatabase("clean_target");
        RoundTrip.restore(server, target, dump, RestoreOptions.defaults());
        server.execute(target, "DELETE FROM shop.kinds", "CREATE TABLE shop.stale (a int)", "CREATE TABLE public.stale (a int)",
                "DROP VIEW shop.rich");
        assertFalse(RoundTrip.ENGINE.inspect(server.url(target)).isEmpty());

        RoundTrip.restore(server, target, dump, new RestoreOptions(true, true));

        RoundTrip.assertSame(PostgresSnapshot.take(server, source), PostgresSnapshot.take(server, target));
    }

    @Test
    void restoreWithoutCleanIntoAFullTargetFailsAndChangesNothing() throws Exception {
        String target = server.createDatabase("no_clean_target");
        RoundTrip.restore(server, target, dump, RestoreOptions.defaults());
        PostgresSnapshot before = PostgresSnapshot.take(server, target);
        EngineException e = assertThrows(EngineException.class, () -> RoundTrip.restore(server, target, dump, RestoreOptions.defaults()));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        RoundTrip.assertSame(before, PostgresSnapshot.take(server, target));
    }

    @Test
    void cleanWithADumpFromAnotherToolDropsEveryUserSchema() throws Exception {
        String target = server.createDatabase("clean_foreign");
        server.execute(target, "CREATE SCHEMA old_stuff", "CREATE TABLE old_stuff.t (a int)", "CREATE TABLE public.t (a int)");
        apply(target, "CREATE TABLE public.fresh (a integer);\n", new RestoreOptions(true, true));
        PostgresSnapshot after = PostgresSnapshot.take(server, target);
        assertEquals(java.util.Set.of("public.fresh"), after.rows.keySet());
    }

    @Test
    void withoutASingleTransactionEachStatementCommitsOnItsOwn() throws Exception {
        String target = server.createDatabase("autocommit");
        RestoreOptions options = new RestoreOptions(false, false);
        assertThrows(EngineException.class, () -> apply(target, "CREATE TABLE public.kept (a integer);\nSELECT 1/0;\n", options));
        assertFalse(RoundTrip.ENGINE.inspect(server.url(target)).isEmpty(), "the statement before the failure stays");
        String second = server.createDatabase("autocommit_dump");
        Map<String, Long> counts = RoundTrip.restore(server, second, dump, options);
        assertEquals(5L, counts.get("shop.customer"));
    }

    @Test
    void closingWithoutCommitRollsBack() throws Exception {
        String target = server.createDatabase("uncommitted");
        try (RestoreSession session = RoundTrip.ENGINE.beginRestore(server.url(target), RestoreOptions.defaults())) {
            session.apply(Files.newInputStream(dump));
            assertEquals(5L, session.rowCounts().get("shop.customer"), "row counts are visible inside the restore");
        }
        assertTrue(RoundTrip.ENGINE.inspect(server.url(target)).isEmpty());
    }

    @Test
    void inspectTellsEmptyFullAndMissingTargets() throws Exception {
        String empty = server.createDatabase("inspect_empty");
        TargetState emptyState = RoundTrip.ENGINE.inspect(server.url(empty));
        assertTrue(emptyState.exists());
        assertTrue(emptyState.isEmpty(), emptyState.description());

        server.execute(empty, "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'");
        assertFalse(RoundTrip.ENGINE.inspect(server.url(empty)).isEmpty(), "a function alone makes a target non-empty");

        TargetState source = RoundTrip.ENGINE.inspect(server.url(PostgresRestoreSafetyIT.source));
        assertTrue(source.tableCount() > 10, source.description());

        TargetState missing = RoundTrip.ENGINE.inspect(server.url("no_such_database"));
        assertFalse(missing.exists());
        assertTrue(missing.isEmpty());
        assertEquals("new database 'no_such_database' on " + server.url("x").host() + ":" + server.port(), missing.description(),
                "a restore creates a missing database, and the question names it as new");
    }

    @Test
    void truncatedCopyDataFailsInsteadOfRestoringHalfATable() throws Exception {
        String text = Files.readString(dump);
        int copy = text.indexOf("COPY shop.events_2024_a");
        String truncated = text.substring(0, text.indexOf('\n', text.indexOf('\n', copy) + 1) + 1);
        String target = server.createDatabase("truncated");
        EngineException e = assertThrows(EngineException.class, () -> apply(target, truncated));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(RoundTrip.ENGINE.inspect(server.url(target)).isEmpty());
    }

    @Test
    void psqlMetaCommandsAreHandledOrRefusedClearly() throws Exception {
        String target = server.createDatabase("meta");
        apply(target, "\\restrict abc\n\\set ON_ERROR_STOP on\n\\connect " + target + "\n"
                + "\\connect -reuse-previous=on \"dbname='" + target + "'\"\nCREATE TABLE t (a int);\n"
                + "COPY t (a) FROM stdin;\n1\n2\n\\.\n\\unrestrict abc\n");

        EngineException shell = assertThrows(EngineException.class, () -> apply(target, "SELECT 1;\n\\! rm -rf /\n"));
        assertTrue(shell.getMessage().contains("\\!") && shell.getMessage().contains("line 2"), shell.getMessage());

        EngineException other = assertThrows(EngineException.class, () -> apply(target, "\\connect other_db\nSELECT 1;\n"));
        assertTrue(other.getMessage().contains("other_db"), other.getMessage());

        EngineException create = assertThrows(EngineException.class, () -> apply(target, "CREATE DATABASE x;\n"));
        assertTrue(create.getMessage().contains("--create"), create.getMessage());

        EngineException encoding = assertThrows(EngineException.class, () -> apply(target, "SET client_encoding = 'LATIN1';\n"));
        assertTrue(encoding.getMessage().contains("LATIN1"), encoding.getMessage());
    }

    @Test
    void oldStyleDumpsWithStandardConformingStringsOffRestore() throws Exception {
        String target = server.createDatabase("scs_off");
        apply(target, "SET standard_conforming_strings = off;\nCREATE TABLE t (a text);\n"
                + "INSERT INTO t VALUES ('it\\'s; not the end');\nSET standard_conforming_strings = on;\n"
                + "INSERT INTO t VALUES ('back\\slash');\n");
        try (var c = server.connect(target); var rs = c.createStatement().executeQuery("SELECT string_agg(a, '|' ORDER BY a) FROM t")) {
            rs.next();
            assertEquals("back\\slash|it's; not the end", rs.getString(1));
        }
    }

    @Test
    void dumpsWithWindowsLineEndsRestoreWithTheirCopyData() throws Exception {
        String target = server.createDatabase("crlf");
        apply(target, ("CREATE TABLE public.t (a int, b text);\nCOPY public.t (a, b) FROM stdin;\n1\tone\n2\t\\N\n\\.\n"
                + "SELECT 1;\n").replace("\n", "\r\n"));
        try (var c = server.connect(target); var rs = c.createStatement().executeQuery("SELECT string_agg(a || ':' || coalesce(b, 'null'), '|' ORDER BY a) FROM public.t")) {
            rs.next();
            assertEquals("1:one|2:null", rs.getString(1));
        }
    }

    private static void apply(String target, String sql) throws Exception {
        apply(target, sql, RestoreOptions.defaults());
    }

    private static void apply(String target, String sql, RestoreOptions options) throws Exception {
        try (RestoreSession session = RoundTrip.ENGINE.beginRestore(server.url(target), options)) {
            session.apply(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)));
            session.commit();
        }
    }
}
