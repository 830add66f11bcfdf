package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.testing.PostgresFixtures;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every public fixture: built-in dump, built-in restore into an empty database, complete comparison. */
class PostgresFixturesRoundTripIT {

    static List<Arguments> fixturesAndVersions() {
        List<Arguments> out = new ArrayList<>();
        for (String fixture : List.of(System.getProperty("fixtures", String.join(",", PostgresFixtures.NAMES)).split(","))) {
            for (int version : List.of(PostgresServers.oldest(), PostgresServers.newest())) {
                out.add(Arguments.of(fixture, version));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} on PostgreSQL {1}")
    @MethodSource("fixturesAndVersions")
    void fixtureSurvivesDumpAndRestoreUnchanged(String fixture, int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        String source = PostgresFixtures.load(server, fixture);
        Path file = RoundTrip.dumpFile(fixture + "-" + version);
        DumpResult result = RoundTrip.dump(server, source, DumpOptions.defaults(), file);
        RoundTrip.assertEndsWithMarker(file);

        String target = server.createDatabase("restored_" + fixture);
        Map<String, Long> restored = RoundTrip.restore(server, target, file, RestoreOptions.defaults());
        assertEquals(result.tableRows(), restored, "row counts after restore, keyed like the dump's");

        RoundTrip.assertSame(PostgresSnapshot.take(server, source), PostgresSnapshot.take(server, target));
        if (server.pgDumpCanDump()) {
            RoundTrip.assertSamePgDumpSchema(server, source, target, fixture + "-" + version);
        }
        server.dropDatabase(source);
        server.dropDatabase(target);
    }
}
