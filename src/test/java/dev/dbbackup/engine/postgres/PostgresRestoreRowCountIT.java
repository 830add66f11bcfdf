package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restore's row counts come from the server's COPY results without re-reading the tables, yet rows lost
 * after their COPY (DELETE, TRUNCATE, a table dropped and made again, a savepoint rolled back) still show in the counts.
 */
class PostgresRestoreRowCountIT {

    static List<Integer> versions() {
        return PostgresServers.available();
    }

    private static final String TABLES = """
            CREATE SCHEMA "Sales";
            CREATE TABLE public.plain (id int PRIMARY KEY, note text);
            CREATE TABLE "Sales"."Odd""Name" (id int);
            CREATE TABLE public.inserted (id int);
            """;

    private static final String DATA = """
            COPY public.plain (id, note) FROM stdin;
            1\tone
            2\t\\N
            3\tthree
            \\.
            COPY "Sales"."Odd""Name" (id) FROM stdin;
            7
            \\.
            INSERT INTO public.inserted VALUES (1), (2);
            """;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void copiedTablesAreNotReadAgainToCountThem(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        Restored restored = restore(server, TABLES + DATA, RestoreOptions.defaults());
        assertEquals(Map.of("public.plain", 3L, "Sales.Odd\"Name", 1L, "public.inserted", 2L), restored.counts());
        // only the table no COPY filled had to be counted
        assertEquals(List.of("public.inserted"), restored.scanned());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void rowsLostAfterTheirCopyShowInTheCounts(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        Restored restored = restore(server, TABLES + DATA + """
                DELETE FROM public.plain WHERE id = 2;
                TRUNCATE "Sales"."Odd""Name";
                """, RestoreOptions.defaults());
        assertEquals(Map.of("public.plain", 2L, "Sales.Odd\"Name", 0L, "public.inserted", 2L), restored.counts());

        Restored remade = restore(server, TABLES + DATA + """
                DROP TABLE public.plain;
                CREATE TABLE public.plain (id int PRIMARY KEY, note text);
                COPY public.plain (id, note) FROM stdin;
                9\tnine
                \\.
                """, RestoreOptions.defaults());
        assertEquals(1L, remade.counts().get("public.plain"));
        assertTrue(remade.scanned().contains("public.plain"), remade.scanned().toString());

        // the statistics still show the rows of a COPY whose savepoint was rolled back: nothing is taken on trust then
        Restored rolledBack = restore(server, TABLES + """
                SAVEPOINT before_data;
                """ + DATA + """
                ROLLBACK TO SAVEPOINT before_data;
                """, RestoreOptions.defaults());
        assertEquals(Map.of("public.plain", 0L, "Sales.Odd\"Name", 0L, "public.inserted", 0L), rolledBack.counts());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void withoutOneTransactionEveryTableIsCounted(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        Restored restored = restore(server, TABLES + DATA, new RestoreOptions(false, false));
        assertEquals(Map.of("public.plain", 3L, "Sales.Odd\"Name", 1L, "public.inserted", 2L), restored.counts());
        assertEquals(3, restored.scanned().size());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void malformedUtf8InCopyDataIsRefusedByTheServerWithItsLine(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        script.writeBytes("CREATE TABLE public.t (a text);\nCOPY public.t (a) FROM stdin;\nok\n".getBytes(StandardCharsets.UTF_8));
        script.writeBytes(new byte[] {'b', 'a', 'd', (byte) 0xff, '\n'});
        script.writeBytes("\\.\n".getBytes(StandardCharsets.UTF_8));
        String target = server.createDatabase("bad_utf8");
        EngineException e = assertThrows(EngineException.class, () -> {
            try (RestoreSession session = RoundTrip.ENGINE.beginRestore(server.url(target), RestoreOptions.defaults())) {
                session.apply(new ByteArrayInputStream(script.toByteArray()));
            }
        });
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("UTF8"), e.getMessage());
        assertTrue(RoundTrip.ENGINE.inspect(server.url(target)).isEmpty());
    }

    private record Restored(Map<String, Long> counts, List<String> scanned) {
    }

    private static Restored restore(PostgresServer server, String sql, RestoreOptions options) throws Exception {
        String target = server.createDatabase("rowcount");
        try (RestoreSession session = RoundTrip.ENGINE.beginRestore(server.url(target), options)) {
            session.apply(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)));
            Map<String, Long> counts = session.rowCounts();
            List<String> scanned = List.copyOf(((PostgresRestoreSession) session).tablesCountedByScan());
            session.commit();
            return new Restored(counts, scanned);
        }
    }
}
