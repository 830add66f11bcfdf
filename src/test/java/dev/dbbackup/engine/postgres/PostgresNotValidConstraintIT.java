package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Constraints added NOT VALID over rows that violate them (domain CHECK, table CHECK on plain, inheritance and
 * partitioned tables, FOREIGN KEY): the dump must add them after the data, as pg_dump does, so that both our
 * restore and stock psql replay it, and they must come back still NOT VALID.
 */
class PostgresNotValidConstraintIT {

    static List<Integer> oldestAndNewest() {
        return List.of(PostgresServers.oldest(), PostgresServers.newest()).stream().distinct().toList();
    }

    static List<String> violatingSchema(int major) {
        List<String> s = new ArrayList<>(List.of(
                "CREATE SCHEMA nv",
                "CREATE DOMAIN nv.positive AS integer CONSTRAINT positive_ok CHECK (VALUE > -1000)",
                "CREATE DOMAIN nv.code AS text",
                "CREATE TABLE nv.plain (id integer PRIMARY KEY, amount nv.positive, code nv.code, b integer)",
                "INSERT INTO nv.plain VALUES (1, -5, 'x', -1), (2, 7, 'ABC', 3)",
                "ALTER DOMAIN nv.positive ADD CONSTRAINT positive_check CHECK (VALUE > 0) NOT VALID",
                "ALTER DOMAIN nv.code ADD CONSTRAINT code_upper CHECK (VALUE = upper(VALUE)) NOT VALID",
                "COMMENT ON CONSTRAINT positive_check ON DOMAIN nv.positive IS 'not valid on purpose'",
                "ALTER TABLE nv.plain ADD CONSTRAINT b_positive CHECK (b > 0) NOT VALID",
                "COMMENT ON CONSTRAINT b_positive ON nv.plain IS 'table check, not valid'",
                // Inheritance: the parent's NOT VALID check reaches the children (one joined later with its own copy).
                "CREATE TABLE nv.parent (x integer)",
                "CREATE TABLE nv.child (y integer) INHERITS (nv.parent)",
                "INSERT INTO nv.child VALUES (-5, 1)",
                "CREATE TABLE nv.joined (x integer, z integer)",
                "INSERT INTO nv.joined VALUES (-3, 0)",
                "ALTER TABLE nv.joined ADD CONSTRAINT x_positive CHECK (x > 0) NOT VALID",
                "ALTER TABLE nv.joined INHERIT nv.parent",
                "ALTER TABLE nv.parent ADD CONSTRAINT x_positive CHECK (x > 0) NOT VALID",
                "ALTER TABLE nv.parent ADD CONSTRAINT x_small CHECK (x < 100) NO INHERIT NOT VALID",
                // A partitioned table: the check recurses into the partitions.
                "CREATE TABLE nv.parted (x integer, r integer) PARTITION BY RANGE (x)",
                "CREATE TABLE nv.parted_low PARTITION OF nv.parted FOR VALUES FROM (-100) TO (0)",
                "CREATE TABLE nv.parted_high PARTITION OF nv.parted FOR VALUES FROM (0) TO (100)",
                "INSERT INTO nv.parted VALUES (-7, 99), (5, 1)",
                "ALTER TABLE nv.parted ADD CONSTRAINT parted_positive CHECK (x > 0) NOT VALID",
                "ALTER TABLE nv.parted_high ADD CONSTRAINT high_small CHECK (x < 3) NOT VALID",
                // Foreign keys whose rows point nowhere.
                "CREATE TABLE nv.referenced (id integer PRIMARY KEY)",
                "INSERT INTO nv.referenced VALUES (1)",
                "CREATE TABLE nv.referencing (r integer)",
                "INSERT INTO nv.referencing VALUES (1), (42)",
                "ALTER TABLE nv.referencing ADD CONSTRAINT referencing_r FOREIGN KEY (r) REFERENCES nv.referenced NOT VALID",
                "COMMENT ON CONSTRAINT referencing_r ON nv.referencing IS 'fk, not valid'",
                "ALTER TABLE nv.parted_low ADD CONSTRAINT low_r FOREIGN KEY (r) REFERENCES nv.referenced NOT VALID"));
        if (major >= 18) {
            // 18 allows NOT VALID foreign keys on partitioned tables.
            s.add("ALTER TABLE nv.parted ADD CONSTRAINT parted_x FOREIGN KEY (x) REFERENCES nv.referenced NOT VALID");
        }
        return s;
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("oldestAndNewest")
    void notValidConstraintsOverViolatingRowsAreAddedAfterTheDataAndStayNotValid(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        String source = server.createDatabase("not_valid");
        server.execute(source, violatingSchema(version).toArray(String[]::new));
        Path file = RoundTrip.dumpFile("not-valid-" + version);
        RoundTrip.dump(server, source, DumpOptions.defaults(), file);
        String dump = Files.readString(file);
        int lastCopy = dump.lastIndexOf("\\.\n");
        List<String> notValid = new ArrayList<>(List.of("positive_check", "code_upper", "b_positive", "x_positive", "parted_positive",
                "high_small", "referencing_r", "low_r"));
        if (version >= 18) {
            notValid.add("parted_x");
        }
        for (String name : notValid) {
            int at = dump.indexOf("ADD CONSTRAINT " + name + " ");
            assertTrue(at > lastCopy, name + " is added after the data");
        }

        String restored = server.createDatabase("not_valid_restored");
        RoundTrip.restore(server, restored, file, RestoreOptions.defaults());
        String byPsql = server.createDatabase("not_valid_by_psql");
        file.toFile().setReadable(true, false);
        server.psql(byPsql, List.of("-f", file.toAbsolutePath().toString()));

        PostgresSnapshot before = PostgresSnapshot.take(server, source);
        for (String target : List.of(restored, byPsql)) {
            RoundTrip.assertSame(before, PostgresSnapshot.take(server, target));
            assertEquals("false", server.psql(target, List.of("-tAc", "SELECT string_agg(DISTINCT convalidated::text, ',') FROM pg_constraint "
                    + "WHERE conname IN ('positive_check', 'code_upper', 'b_positive', 'x_positive', 'parted_positive', 'referencing_r')")).strip(),
                    "the constraints are still NOT VALID");
            if (server.pgDumpCanDump()) {
                RoundTrip.assertSamePgDumpSchema(server, source, target, "not-valid-" + version);
            }
            server.dropDatabase(target);
        }
        server.dropDatabase(source);
    }
}
