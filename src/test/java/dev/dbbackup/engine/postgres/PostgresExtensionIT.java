package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import java.nio.file.Path;
import java.sql.ResultSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Extensions are recreated by name; rows users add to their configuration tables are kept, as pg_dump keeps them. */
class PostgresExtensionIT {

    static List<Integer> oldestAndNewest() {
        return List.of(PostgresServers.oldest(), PostgresServers.newest()).stream().distinct().toList();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("oldestAndNewest")
    void rowsAddedToAnExtensionConfigurationTableSurvive(int version) throws Exception {
        PostgresServer server = PostgresServers.version(version);
        server.installExtension("dbbackup_cfg", "default_version = '1.0'\nrelocatable = false\nschema = public\nsuperuser = true\n",
                "CREATE TABLE cfg (id integer PRIMARY KEY, v text);\n"
                        + "SELECT pg_catalog.pg_extension_config_dump('cfg', 'WHERE id >= 100');\n"
                        + "INSERT INTO cfg VALUES (1, 'shipped with the extension');\n"
                        + "CREATE SEQUENCE cfg_seq;\n"
                        + "SELECT pg_catalog.pg_extension_config_dump('cfg_seq', '');\n");
        String source = server.createDatabase("ext_source");
        server.execute(source, "CREATE EXTENSION dbbackup_cfg", "INSERT INTO public.cfg VALUES (100, 'added by a user')",
                "SELECT nextval('public.cfg_seq') FROM generate_series(1, 3)");
        Path file = RoundTrip.dumpFile("extension-config-" + version);
        var dumped = RoundTrip.dump(server, source, DumpOptions.defaults(), file);

        String target = server.createDatabase("ext_target");
        var restored = RoundTrip.restore(server, target, file, RestoreOptions.defaults());
        assertEquals(dumped.tableRows(), restored, "configuration tables are left out of the counts to verify");

        try (var c = server.connect(target); ResultSet rs = c.createStatement().executeQuery(
                "SELECT string_agg(id || ':' || v, ', ' ORDER BY id), (SELECT last_value FROM public.cfg_seq) FROM public.cfg")) {
            rs.next();
            assertEquals("1:shipped with the extension, 100:added by a user", rs.getString(1));
            assertEquals(3, rs.getLong(2));
        }
        RoundTrip.assertSame(PostgresSnapshot.take(server, source), PostgresSnapshot.take(server, target));
    }
}
