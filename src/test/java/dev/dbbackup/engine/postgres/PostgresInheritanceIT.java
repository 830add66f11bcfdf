package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Inheritance children whose physical column order CREATE TABLE ... INHERITS would change (a column added to the
 * parent later, a table that joined with ALTER TABLE ... INHERIT): SELECT * must return the same columns in the same
 * order after the restore, with columns and CHECK constraints still inherited, through our restore and stock psql.
 * Also generated columns of children (their own expression, or the parent's).
 */
class PostgresInheritanceIT {

    static List<Integer> versions() {
        return PostgresServers.available();
    }

    static List<String> schema(int major) {
        List<String> s = new ArrayList<>(List.of(
                "CREATE SCHEMA inh",
                "CREATE TABLE inh.parent (a integer NOT NULL DEFAULT 7, b text CHECK (b <> ''))",
                "CREATE TABLE inh.child (x integer) INHERITS (inh.parent)",
                "ALTER TABLE inh.parent ADD COLUMN c date",
                "ALTER TABLE inh.child ALTER COLUMN a SET DEFAULT 8",
                "CREATE TABLE inh.joined (z integer, c date, b text CONSTRAINT parent_b_check CHECK (b <> ''), a integer NOT NULL)",
                "ALTER TABLE inh.joined INHERIT inh.parent",
                "CREATE TABLE inh.grandchild () INHERITS (inh.child)",
                "ALTER TABLE inh.child ADD COLUMN y text",
                "COMMENT ON COLUMN inh.child.c IS 'added to the parent later'",
                "INSERT INTO inh.child (a, b, x, c, y) VALUES (1, 'one', 10, '2024-01-01', 'why')",
                "INSERT INTO inh.joined (z, c, b, a) VALUES (26, '2024-02-02', 'two', 2)",
                "INSERT INTO inh.grandchild (a, b, x, c, y) VALUES (3, 'three', 30, NULL, 'gc')",
                "CREATE TABLE inh.gen_parent (a integer NOT NULL, b integer GENERATED ALWAYS AS (a * 2) STORED)",
                "CREATE TABLE inh.gen_joined (a integer NOT NULL, b integer GENERATED ALWAYS AS (a * 2) STORED)",
                "ALTER TABLE inh.gen_joined INHERIT inh.gen_parent",
                "INSERT INTO inh.gen_joined (a) VALUES (21)"));
        if (major == 15 || major == 16) {
            // Only 15 and 16 let a child generate a column its parent does not.
            s.addAll(List.of(
                    "CREATE TABLE inh.gen_normal (a integer, b integer)",
                    "CREATE TABLE inh.gen_normal_child (a integer, b integer GENERATED ALWAYS AS (a * 3) STORED)",
                    "ALTER TABLE inh.gen_normal_child INHERIT inh.gen_normal",
                    "INSERT INTO inh.gen_normal_child (a) VALUES (5)"));
        }
        return s;
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void childrenKeepTheirColumnOrderAndWhatTheyInherit(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        String source = server.createDatabase("inheritance");
        server.execute(source, schema(version).toArray(String[]::new));
        Path file = RoundTrip.dumpFile("inheritance-" + version);
        RoundTrip.dump(server, source, DumpOptions.defaults(), file);

        String restored = server.createDatabase("inheritance_restored");
        RoundTrip.restore(server, restored, file, RestoreOptions.defaults());
        String byPsql = server.createDatabase("inheritance_by_psql");
        file.toFile().setReadable(true, false);
        server.psql(byPsql, List.of("-f", file.toAbsolutePath().toString()));

        String expectedRow = "1|one|10|2024-01-01|why";
        PostgresSnapshot before = PostgresSnapshot.take(server, source);
        for (String target : List.of(restored, byPsql)) {
            assertEquals(expectedRow, server.psql(target, List.of("-tAc", "SELECT a, b, x, c, y FROM ONLY inh.child")).strip());
            assertEquals(server.psql(source, List.of("-tAc", "SELECT * FROM ONLY inh.child")),
                    server.psql(target, List.of("-tAc", "SELECT * FROM ONLY inh.child")), "SELECT * keeps the column order");
            assertEquals(server.psql(source, List.of("-tAc", "SELECT * FROM inh.joined")),
                    server.psql(target, List.of("-tAc", "SELECT * FROM inh.joined")));
            RoundTrip.assertSame(before, PostgresSnapshot.take(server, target));
            if (server.pgDumpCanDump()) {
                RoundTrip.assertSamePgDumpSchema(server, source, target, "inheritance-" + version);
            }
            server.dropDatabase(target);
        }
        server.dropDatabase(source);
    }
}
