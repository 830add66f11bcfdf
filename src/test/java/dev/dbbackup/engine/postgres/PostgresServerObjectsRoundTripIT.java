package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import dev.dbbackup.testing.PostgresTortureDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kinds the built-in dumper used to refuse (base, shell and canonical range types, operator classes and families,
 * access methods, conversions, text search parsers and templates, languages, transforms, foreign data wrappers,
 * servers, user mappings, foreign tables) come back complete, through our restore and through stock psql.
 */
class PostgresServerObjectsRoundTripIT {

    static List<Integer> versions() {
        return PostgresServers.available();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void serverObjectsComeBackThroughOurRestoreAndStockPsql(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        String source = PostgresTortureDatabase.create(server);
        Path file = RoundTrip.dumpFile("server-objects-" + version);
        RoundTrip.dump(server, source, DumpOptions.defaults(), file);
        String dump = Files.readString(file);
        for (String statement : List.of("CREATE TYPE ext.widget;", "CREATE TYPE ext.widget (", "CREATE TYPE ext.never_defined;",
                "CREATE OPERATOR FAMILY ext.widget_fam USING btree;", "CREATE OPERATOR CLASS ext.widget_ops",
                "CREATE ACCESS METHOD heap2 TYPE TABLE", "CREATE DEFAULT CONVERSION ext.latin_conv", "CREATE TEXT SEARCH PARSER ext.my_parser",
                "CREATE TEXT SEARCH TEMPLATE ext.my_template", "TRUSTED PROCEDURAL LANGUAGE my_lang", "CREATE TRANSFORM FOR",
                "CREATE FOREIGN DATA WRAPPER plain_wrapper", "CREATE SERVER remote", "CREATE USER MAPPING FOR PUBLIC SERVER remote;",
                "CREATE FOREIGN TABLE ext.remote_items", "'" + PostgresTortureDatabase.MAPPING_PASSWORD + "'")) {
            assertTrue(dump.contains(statement), "the dump has " + statement);
        }
        assertTrue(dump.indexOf("CREATE TYPE ext.widget;") < dump.indexOf("FUNCTION \"ext\".\"widget_in\"")
                && dump.indexOf("FUNCTION \"ext\".\"widget_in\"") < dump.indexOf("CREATE TYPE ext.widget ("),
                "shell type, then its I/O functions, then the type");

        PostgresSnapshot before = PostgresSnapshot.take(server, source);
        String ours = server.createDatabase("server_objects_ours");
        RoundTrip.restore(server, ours, file, RestoreOptions.defaults());
        RoundTrip.assertSame(before, PostgresSnapshot.take(server, ours));

        String byPsql = server.createDatabase("server_objects_psql");
        server.psql(byPsql, List.of("-f", file.toAbsolutePath().toString()));
        RoundTrip.assertSame(before, PostgresSnapshot.take(server, byPsql));
        assertEquals("5", server.psql(byPsql, List.of("-At", "-c", "SELECT w FROM ext.gadget WHERE w OPERATOR(ext.>) '4'::ext.widget")).strip(),
                "the restored base type works with its restored operator class");

        if (server.pgDumpCanDump()) {
            RoundTrip.assertSamePgDumpSchema(server, source, ours, "server-objects-" + version);
            RoundTrip.assertSamePgDumpSchema(server, source, byPsql, "server-objects-psql-" + version);
        }
        for (String db : List.of(source, ours, byPsql)) {
            server.dropDatabase(db);
        }
    }

    @Test
    void userMappingWhoseOptionsTheRoleCannotSeeIsRefusedByName() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.oldest());
        String db = server.createDatabase("hidden_mapping");
        server.execute("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mapping_viewer') THEN "
                + "CREATE ROLE mapping_viewer LOGIN PASSWORD 'viewer-pw'; END IF; END $$");
        PostgresTortureDatabase.ensureRole(server);
        server.execute(db, "CREATE FOREIGN DATA WRAPPER w", "CREATE SERVER s FOREIGN DATA WRAPPER w",
                "CREATE USER MAPPING FOR " + PostgresTortureDatabase.READER_ROLE + " SERVER s OPTIONS (password 'hidden-pw')");
        Path file = RoundTrip.dumpFile("hidden-mapping");
        EngineException e = assertThrows(EngineException.class, () -> {
            try (var out = Files.newOutputStream(file)) {
                RoundTrip.ENGINE.dump(server.url(db, "mapping_viewer", "viewer-pw"), DumpOptions.defaults(), out);
            }
        });
        assertTrue(e.getMessage().contains("user mapping for " + PostgresTortureDatabase.READER_ROLE + " on server s"), e.getMessage());
        assertTrue(!e.getMessage().contains("hidden-pw"), e.getMessage());
        server.dropDatabase(db);
    }
}
