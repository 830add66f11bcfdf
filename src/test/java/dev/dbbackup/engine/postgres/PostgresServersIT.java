package dev.dbbackup.engine.postgres;

import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresServersIT {

    static List<Integer> versions() {
        return PostgresServers.available();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void startsAServerOfEachMajorVersionWithContribExtensions(int major) throws Exception {
        PostgresServer server = PostgresServers.version(major);
        String db = server.createDatabase("harness");
        try (Connection c = server.connect(db); ResultSet rs = c.createStatement().executeQuery(
                "SELECT current_setting('server_version_num')::int / 10000, "
                        + "(SELECT count(*) FROM pg_available_extensions WHERE name IN ('hstore','ltree','citext','intarray','tablefunc'))")) {
            assertTrue(rs.next());
            assertEquals(major, rs.getInt(1));
            assertEquals(5, rs.getInt(2), "contrib extensions available");
        }
        assertTrue(server.psql(db, List.of("-t", "-c", "select 40 + 2")).contains("42"));
    }
}
