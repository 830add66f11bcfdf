package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import dev.dbbackup.testing.PostgresTortureDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The torture database: every object kind of the dump list, on every available server version. */
class PostgresTortureRoundTripIT {

    static List<Integer> versions() {
        return PostgresServers.available();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void everyObjectKindSurvivesDumpAndRestore(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        String source = PostgresTortureDatabase.create(server);
        Path file = RoundTrip.dumpFile("torture-" + version);
        DumpResult result = RoundTrip.dump(server, source, DumpOptions.defaults(), file);
        RoundTrip.assertEndsWithMarker(file);
        assertEquals(5L, result.tableRows().get("shop.customer"));
        assertEquals(1L, result.tableRows().get("shop.no_columns"));
        assertTrue(Files.readString(file).contains("REFRESH MATERIALIZED VIEW shop.order_totals;"));

        String target = server.createDatabase("torture_restored");
        Map<String, Long> restored = RoundTrip.restore(server, target, file, RestoreOptions.defaults());
        assertEquals(result.tableRows(), restored);

        PostgresSnapshot before = PostgresSnapshot.take(server, source);
        PostgresSnapshot after = PostgresSnapshot.take(server, target);
        RoundTrip.assertSame(before, after);
        assertEquals("false", after.matviews.get("shop.empty_mv"), "a matview created WITH NO DATA stays unpopulated");
        assertEquals("true", after.matviews.get("shop.order_totals"));
        if (server.pgDumpCanDump()) {
            RoundTrip.assertSamePgDumpSchema(server, source, target, "torture-" + version);
        }
        server.dropDatabase(source);
        server.dropDatabase(target);
    }
}
