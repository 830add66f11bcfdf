package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A restore in one transaction loads the tables it creates frozen (COPY ... WITH (FREEZE)): their rows need no
 * hint-bit writes or anti-wraparound vacuum later. Tables it may not freeze (partitioned, there before the
 * restore, loaded after a savepoint) get a plain COPY and restore just as well.
 */
class PostgresCopyFreezeIT {

    static List<Integer> versions() {
        return PostgresServers.available();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void tablesTheRestoreCreatesAreLoadedFrozen(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        String source = server.createDatabase("freeze_source");
        server.execute(source,
                "CREATE SCHEMA \"Sales\"",
                "CREATE TABLE public.plain (id int PRIMARY KEY, note text)",
                "INSERT INTO public.plain SELECT g, 'row ' || g FROM generate_series(1, 500) g",
                "CREATE TABLE \"Sales\".\"Odd\"\"Name\" (\"a,b\" int, \"(c)\" text)",
                "INSERT INTO \"Sales\".\"Odd\"\"Name\" VALUES (1, 'x'), (2, NULL)",
                "CREATE TABLE public.child (id int PRIMARY KEY, plain_id int REFERENCES public.plain)",
                "INSERT INTO public.child SELECT g, g FROM generate_series(1, 300) g",
                "CREATE TABLE public.measure (at date NOT NULL, v int) PARTITION BY RANGE (at)",
                "CREATE TABLE public.measure_2024 PARTITION OF public.measure FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "CREATE TABLE public.measure_2025 PARTITION OF public.measure FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "INSERT INTO public.measure SELECT date '2024-06-01' + g, g FROM generate_series(1, 400) g");
        Path file = RoundTrip.dumpFile("copy-freeze-" + version);
        RoundTrip.dump(server, source, DumpOptions.defaults(), file);

        String target = server.createDatabase("freeze_target");
        List<String> frozen;
        try (RestoreSession session = RoundTrip.ENGINE.beginRestore(server.url(target), RestoreOptions.defaults());
             InputStream in = Files.newInputStream(file)) {
            session.apply(in);
            assertEquals(Map.of("public.plain", 500L, "Sales.Odd\"Name", 2L, "public.child", 300L,
                    "public.measure_2024", 213L, "public.measure_2025", 187L), session.rowCounts());
            assertEquals(List.of(), ((PostgresRestoreSession) session).tablesCountedByScan(), "the COPY counts still hold");
            frozen = List.copyOf(((PostgresRestoreSession) session).frozenTables());
            session.commit();
        }
        assertEquals(5, frozen.size(), frozen.toString());
        RoundTrip.assertSame(PostgresSnapshot.take(server, source), PostgresSnapshot.take(server, target));

        Map<String, String> expected = new TreeMap<>(Map.of("public.plain", "500 of 500 frozen",
                "Sales.Odd\"Name", "2 of 2 frozen", "public.child", "300 of 300 frozen",
                "public.measure_2024", "213 of 213 frozen", "public.measure_2025", "187 of 187 frozen"));
        assertEquals(expected, frozenRows(server, target));
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void tablesThatExistedBeforeTheRestoreGetAPlainCopy(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        String target = server.createDatabase("freeze_existing");
        server.execute(target, "CREATE TABLE public.kept (id int)", "INSERT INTO public.kept VALUES (1)");
        // GRANT and ALTER rewrite the table's pg_class row in the restore's transaction: still not a table it made
        List<String> frozen = restoreScript(server, target, """
                GRANT SELECT ON public.kept TO PUBLIC;
                ALTER TABLE public.kept ADD COLUMN note text;
                COPY public.kept (id, note) FROM stdin;
                2\ttwo
                3\t\\N
                \\.
                CREATE TABLE public.made (id int);
                COPY public.made (id) FROM stdin;
                1
                \\.
                """);
        assertEquals(List.of("public.made"), frozen);
        assertEquals(Map.of("public.kept", "0 of 3 frozen", "public.made", "1 of 1 frozen"), frozenRows(server, target));
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void anExtensionsConfigurationTableAlreadyInTheTargetGetsAPlainCopy(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        server.installExtension("dbbackup_freeze_cfg", "default_version = '1.0'\nrelocatable = false\nschema = public\nsuperuser = true\n",
                "CREATE TABLE cfg (id integer PRIMARY KEY, v text);\n"
                        + "SELECT pg_catalog.pg_extension_config_dump('cfg', 'WHERE id >= 100');\n"
                        + "INSERT INTO cfg VALUES (1, 'shipped with the extension');\n");
        String source = server.createDatabase("freeze_ext_source");
        server.execute(source, "CREATE EXTENSION dbbackup_freeze_cfg", "INSERT INTO public.cfg VALUES (100, 'added by a user')",
                "CREATE TABLE public.own (id int)", "INSERT INTO public.own VALUES (1)");
        Path file = RoundTrip.dumpFile("copy-freeze-extension-" + version);
        RoundTrip.dump(server, source, DumpOptions.defaults(), file);

        String target = server.createDatabase("freeze_ext_target");
        server.execute(target, "CREATE EXTENSION dbbackup_freeze_cfg");
        List<String> frozen = restoreScript(server, target, Files.readString(file));
        assertEquals(List.of("public.own"), frozen);
        RoundTrip.assertSame(PostgresSnapshot.take(server, source), PostgresSnapshot.take(server, target));
        assertEquals("0 of 2 frozen", frozenRows(server, target).get("public.cfg"));
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void aDumpThatUsesSavepointsAndAPartitionedTableRestoresWithPlainCopies(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        String target = server.createDatabase("freeze_savepoint");
        List<String> frozen = restoreScript(server, target, """
                CREATE TABLE public.measure (at date NOT NULL, v int) PARTITION BY RANGE (at);
                CREATE TABLE public.measure_2024 PARTITION OF public.measure FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                COPY public.measure (at, v) FROM stdin;
                2024-03-01\t1
                2024-04-01\t2
                \\.
                CREATE TABLE public.before (id int);
                SAVEPOINT s1;
                CREATE TABLE public.inside (id int);
                COPY public.inside (id) FROM stdin;
                1
                \\.
                RELEASE SAVEPOINT s1;
                COPY public.before (id) FROM stdin;
                7
                8
                \\.
                """);
        // the partitioned table's COPY came first: before any savepoint, yet not frozen (its rows go to a partition)
        assertEquals(List.of(), frozen);
        assertEquals(Map.of("public.before", "0 of 2 frozen", "public.inside", "0 of 1 frozen",
                "public.measure_2024", "0 of 2 frozen"), frozenRows(server, target));
    }

    /** Runs a script through a one-transaction restore and returns the tables it loaded frozen. */
    private static List<String> restoreScript(PostgresServer server, String target, String sql) throws Exception {
        try (RestoreSession session = RoundTrip.ENGINE.beginRestore(server.url(target), RestoreOptions.defaults())) {
            session.apply(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)));
            session.rowCounts();
            List<String> frozen = List.copyOf(((PostgresRestoreSession) session).frozenTables());
            session.commit();
            return frozen;
        }
    }

    /**
     * For every table of the database with rows: how many of its tuples carry both bits of HEAP_XMIN_FROZEN
     * (0x0300) in their header, read from the pages with pageinspect.
     */
    private static Map<String, String> frozenRows(PostgresServer server, String database) throws SQLException {
        server.execute(database, "CREATE EXTENSION IF NOT EXISTS pageinspect");
        Map<String, String> result = new TreeMap<>();
        try (Connection c = server.connect(database);
             ResultSet rs = c.createStatement().executeQuery("""
                     SELECT n.nspname || '.' || c.relname,
                            count(*) FILTER (WHERE (p.t_infomask & 768) = 768), count(*)
                     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     CROSS JOIN LATERAL generate_series(0, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int - 1) b
                     CROSS JOIN LATERAL heap_page_items(get_raw_page(c.oid::regclass::text, b)) p
                     WHERE c.relkind = 'r' AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                       AND p.t_infomask IS NOT NULL
                     GROUP BY 1""")) {
            while (rs.next()) {
                result.put(rs.getString(1), rs.getLong(2) + " of " + rs.getLong(3) + " frozen");
            }
        }
        return result;
    }
}
