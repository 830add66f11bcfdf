package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.EngineException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where CREATE DATABASE and DROP DATABASE run: a database on the same server other than the one created or dropped
 * (the test-restore's scratch databases, a restore target that does not exist yet).
 */
final class PostgresAdmin {

    /** invalid_catalog_name (no such database), object_not_in_prerequisite_state (not accepting connections), no CONNECT privilege. */
    private static final Set<String> CANNOT_USE = Set.of("3D000", "55000", "42501");

    private PostgresAdmin() {
    }

    /** A connection to an admin database and its URL (kept to connect again for a later DROP DATABASE). */
    record Connected(DatabaseUrl url, Connection connection) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /**
     * A connection to the first database on the server of {@code server} that this role can connect to: {@code server}'s
     * own database when {@code itselfFirst}, then {@code postgres}, then {@code template1}.
     */
    static Connected connect(DatabaseUrl server, boolean itselfFirst) throws EngineException {
        List<String> candidates = new ArrayList<>();
        if (itselfFirst) {
            candidates.add(server.database());
        }
        candidates.add("postgres");
        candidates.add("template1");
        EngineException last = null;
        for (String name : candidates) {
            DatabaseUrl url = server.withDatabase(name);
            try {
                return new Connected(url, PostgresConnections.open(url));
            } catch (EngineException e) {
                if (!(e.getCause() instanceof SQLException sql && CANNOT_USE.contains(sql.getSQLState()))) {
                    throw e;
                }
                last = e;
            }
        }
        throw new EngineException("found no database to connect to on " + server.host() + ":" + server.port()
                + " for CREATE/DROP DATABASE (tried " + String.join(", ", candidates) + "): " + last.getMessage(), last);
    }
}
