package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security labels need their provider (sepgsql) wherever the dump is restored: the built-in dumper refuses them by
 * name before it writes anything. No provider ships with these servers, so the labels are put into pg_seclabel
 * directly, as a loaded provider would store them.
 */
class PostgresSecurityLabelIT {

    static List<Integer> oldestAndNewest() {
        return List.of(PostgresServers.oldest(), PostgresServers.newest()).stream().distinct().toList();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("oldestAndNewest")
    void securityLabelsFailTheDumpNamingEachLabelledObjectBeforeAnythingIsWritten(int version) {
        PostgresServer server = PostgresServers.version(version);
        String db = server.createDatabase("labelled");
        server.execute(db, "CREATE TABLE public.secret (id integer, pin text)",
                "INSERT INTO pg_catalog.pg_seclabel VALUES ('public.secret'::regclass, 'pg_class'::regclass, 0, 'selinux', "
                        + "'system_u:object_r:sepgsql_table_t:s0')",
                "INSERT INTO pg_catalog.pg_seclabel VALUES ('public.secret'::regclass, 'pg_class'::regclass, 2, 'selinux', "
                        + "'system_u:object_r:sepgsql_secret_column_t:s0')");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        EngineException e = assertThrows(EngineException.class, () -> RoundTrip.ENGINE.dump(server.url(db), DumpOptions.defaults(), out));

        assertTrue(e.getMessage().contains("security label (provider selinux) on table \"public\".\"secret\""), e.getMessage());
        assertTrue(e.getMessage().contains("security label (provider selinux) on table column \"public\".\"secret\".\"pin\""), e.getMessage());
        assertTrue(e.getMessage().contains("--dumper pg_dump"), e.getMessage());
        assertEquals(0, out.size(), "nothing was written");
        server.dropDatabase(db);
    }
}
