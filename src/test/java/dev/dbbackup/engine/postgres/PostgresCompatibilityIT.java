package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.testing.PostgresFixtures;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import dev.dbbackup.testing.PostgresTortureDatabase;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our dumps with stock psql, stock pg_dump output with our restore, and dumps across major versions. */
class PostgresCompatibilityIT {

    static List<Integer> oldestAndNewest() {
        return List.of(PostgresServers.oldest(), PostgresServers.newest()).stream().distinct().toList();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("oldestAndNewest")
    void stockPsqlRestoresOurDump(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        String source = PostgresTortureDatabase.create(server);
        Path file = RoundTrip.dumpFile("torture-for-psql-" + version);
        RoundTrip.dump(server, source, DumpOptions.defaults(), file);

        String target = server.createDatabase("psql_restored");
        file.toFile().setReadable(true, false);
        server.psql(target, List.of("-f", file.toAbsolutePath().toString()));

        RoundTrip.assertSame(PostgresSnapshot.take(server, source), PostgresSnapshot.take(server, target));
        server.dropDatabase(source);
        server.dropDatabase(target);
    }

    static List<Integer> versionsStockPgDumpCanDump() {
        List<Integer> out = new ArrayList<>();
        for (int v : PostgresServers.available()) {
            if (PostgresServer.pgDumpMajor() >= v) {
                out.add(v);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versionsStockPgDumpCanDump")
    void ourRestoreExecutesStockPgDumpOutput(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        for (String source : List.of(PostgresTortureDatabase.create(server), PostgresFixtures.load(server, "sakila-jooq"))) {
            Path file = RoundTrip.dumpFile("pg_dump-" + source);
            Files.writeString(file, server.pgDump(source, List.of()));
            assertTrue(Files.readString(file).contains("COPY "), "pg_dump wrote COPY blocks");

            String target = server.createDatabase("from_pg_dump");
            RoundTrip.restore(server, target, file, RestoreOptions.defaults());
            String byPsql = server.createDatabase("from_pg_dump_by_psql");
            file.toFile().setReadable(true, false);
            server.psql(byPsql, List.of("-f", file.toAbsolutePath().toString()));

            // Our executor must do exactly what psql does with the same file.
            RoundTrip.assertSame(PostgresSnapshot.take(server, byPsql), PostgresSnapshot.take(server, target));
            RoundTrip.assertSamePgDumpSchema(server, byPsql, target, "pg_dump-" + source);
            server.dropDatabase(source);
            server.dropDatabase(target);
            server.dropDatabase(byPsql);
        }
    }

    /** Each version into the next one, and the oldest into the newest. */
    static List<Arguments> olderIntoNewer() {
        List<Integer> versions = PostgresServers.available();
        List<Arguments> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < versions.size(); i++) {
            pairs.add(Arguments.of(versions.get(i), versions.get(i + 1)));
        }
        if (versions.size() > 2) {
            pairs.add(Arguments.of(versions.get(0), versions.get(versions.size() - 1)));
        }
        return pairs;
    }

    @ParameterizedTest(name = "PostgreSQL {0} into {1}")
    @MethodSource("olderIntoNewer")
    void dumpOfAnOlderServerRestoresIntoANewerOne(int oldest, int newest) throws Exception {
        PostgresServer from = PostgresServers.version(oldest);
        PostgresServer to = PostgresServers.version(newest);
        PostgresTortureDatabase.ensureRole(to);
        List<String> sources = new ArrayList<>(List.of(PostgresTortureDatabase.create(from)));
        if (oldest == PostgresServers.oldest() && newest == PostgresServers.newest()) {
            for (String fixture : System.getProperty("crossFixtures", "pagila,kitchen-sink").split(",")) {
                sources.add(PostgresFixtures.load(from, fixture));
            }
        }
        for (String source : sources) {
            Path file = RoundTrip.dumpFile("cross-" + oldest + "-" + newest + "-" + source);
            DumpResult dumped = RoundTrip.dump(from, source, DumpOptions.defaults(), file);
            String target = to.createDatabase("cross_restored");
            Map<String, Long> restored = RoundTrip.restore(to, target, file, RestoreOptions.defaults());
            assertEquals(dumped.tableRows(), restored);

            PostgresSnapshot before = PostgresSnapshot.take(from, source, true);
            PostgresSnapshot after = PostgresSnapshot.take(to, target, true);
            List<String> differences = before.acrossVersions().differences(after.acrossVersions());
            assertEquals(List.of(), differences, "differences between PostgreSQL " + oldest + " source and " + newest + " target");
            from.dropDatabase(source);
            to.dropDatabase(target);
        }
    }
}
