package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.CreatedDatabase;
import dev.dbbackup.engine.DatabaseCreationRefusedException;
import dev.dbbackup.engine.DatabaseEngine;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.HeldLock;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.engine.ScratchTarget;
import dev.dbbackup.engine.TargetState;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** PostgreSQL 12–18 over JDBC only: no pg_dump or psql needed (pg_dump may be asked for instead). */
@ApplicationScoped
public class PostgresEngine implements DatabaseEngine {

    public PostgresEngine() {
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public boolean supports(DatabaseUrl url) {
        return url.kind() == DatabaseUrl.Kind.POSTGRESQL;
    }

    @Override
    public DumpResult dump(DatabaseUrl source, DumpOptions options, OutputStream out) throws IOException, EngineException {
        if (options.dumper() == DumpOptions.Dumper.PG_DUMP) {
            return new PgDumpRunner(source, options).dump(out);
        }
        return new PostgresDumper(source, options).dump(out);
    }

    @Override
    public TargetState inspect(DatabaseUrl target) throws EngineException {
        try (Connection c = PostgresConnections.open(target);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT
                       (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                        WHERE c.relkind IN ('r', 'p', 'f') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema') AS tables,
                       (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                        WHERE c.relkind IN ('v', 'm', 'S') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass
                                          AND d.objid = c.oid AND d.deptype IN ('e', 'i'))) AS others,
                       (SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass
                                          AND d.objid = p.oid AND d.deptype = 'e')) AS functions,
                       (SELECT count(*) FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                        WHERE t.typtype IN ('e', 'd', 'r') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_type'::regclass
                                          AND d.objid = t.oid AND d.deptype = 'e')) AS types,
                       (SELECT count(*) FROM pg_catalog.pg_extension WHERE oid >= 16384) AS extensions,
                       (SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg\\_%'
                          AND nspname NOT IN ('information_schema', 'public')) AS schemas,
                       pg_catalog.pg_database_size(current_database()) AS bytes,
                       current_setting('server_version') AS version""")) {
            rs.next();
            long tables = rs.getLong("tables");
            long others = rs.getLong("others");
            long functions = rs.getLong("functions");
            long types = rs.getLong("types");
            long extensions = rs.getLong("extensions");
            long schemas = rs.getLong("schemas");
            long objects = tables + others + functions + types + extensions + schemas;
            String description = "PostgreSQL " + rs.getString("version") + " database '" + target.database() + "': "
                    + (objects == 0 ? "empty" : tables + " tables, " + others + " views/sequences, " + functions + " functions, "
                    + types + " types, " + extensions + " extensions, " + schemas + " schemas besides public");
            // Any user object makes the target non-empty: a restore into it would collide.
            int count = (int) Math.min(Integer.MAX_VALUE, tables > 0 ? tables : objects);
            return new TargetState(true, count, rs.getLong("bytes"), description);
        } catch (SQLException e) {
            throw new EngineException("cannot inspect restore target '" + target.database() + "': " + PostgresErrors.describe(e), e);
        } catch (EngineException e) {
            if (e.getCause() instanceof SQLException sql && "3D000".equals(sql.getSQLState())) {
                return new TargetState(false, 0, 0, "new database '" + target.database() + "' on " + target.host() + ":" + target.port());
            }
            throw e;
        }
    }

    @Override
    public RestoreSession beginRestore(DatabaseUrl target, RestoreOptions options) throws EngineException {
        return new PostgresRestoreSession(target, options);
    }

    /**
     * {@code CREATE DATABASE} for a restore target that does not exist, from the server's {@code postgres} database (or
     * {@code template1}); the restoring role owns it. A database created meanwhile by someone else (42P04, or 23505 when both
     * CREATE DATABASE ran at once) is no error: empty, and the caller inspects it again. A role without CREATEDB gets a
     * {@link DatabaseCreationRefusedException}.
     */
    @Override
    public Optional<CreatedDatabase> createDatabase(DatabaseUrl target) throws EngineException {
        String where = "'" + target.database() + "' on " + target.host() + ":" + target.port();
        DatabaseUrl admin;
        try (PostgresAdmin.Connected connected = PostgresAdmin.connect(target, false); Statement statement = connected.connection().createStatement()) {
            admin = connected.url();
            try {
                statement.execute(createDatabaseStatement(target.database()));
            } catch (SQLException e) {
                // duplicate_database, or when both CREATE DATABASE ran at the same moment, the unique index on pg_database's names.
                if ("42P04".equals(e.getSQLState()) || "23505".equals(e.getSQLState())) {
                    return Optional.empty();
                }
                if ("42501".equals(e.getSQLState())) {
                    String role;
                    try (ResultSet rs = statement.executeQuery("SELECT current_user")) {
                        rs.next();
                        role = rs.getString(1);
                    }
                    throw new DatabaseCreationRefusedException("database " + where + " does not exist and role '" + role
                            + "' may not create it (" + PostgresErrors.describe(e) + "); create it first (createdb -O " + role + " "
                            + target.database() + ") or restore with a role that has CREATEDB", e);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new EngineException("cannot create database " + where + ": " + PostgresErrors.describe(e), e);
        }
        return Optional.of(PostgresCreatedDatabase.created(admin, target));
    }

    private static String createDatabaseStatement(String name) {
        return "CREATE DATABASE " + SqlText.ident(name) + " TEMPLATE template0 ENCODING 'UTF8'";
    }

    /** A session-level advisory lock on the database, held on a connection of its own (see {@link PostgresDatabaseLock}). */
    @Override
    public HeldLock lockDatabase(DatabaseUrl url, String purpose) throws EngineException {
        return PostgresDatabaseLock.acquire(url, purpose);
    }

    /**
     * Creates {@code dbbackup_scratch_<random>} on the server of {@code near} (connecting to its database, or to
     * {@code postgres} or {@code template1} when that one is missing); close() drops it. Needs the CREATEDB privilege.
     */
    @Override
    public ScratchTarget createScratch(DatabaseUrl near) throws EngineException {
        String name = "dbbackup_scratch_" + Long.toHexString(new java.security.SecureRandom().nextLong() & Long.MAX_VALUE);
        DatabaseUrl admin;
        try (PostgresAdmin.Connected connected = PostgresAdmin.connect(near, true); Statement statement = connected.connection().createStatement()) {
            admin = connected.url();
            statement.execute(createDatabaseStatement(name));
        } catch (SQLException e) {
            throw new EngineException("cannot create the scratch database " + name + " on " + near.host() + ":" + near.port() + ": "
                    + PostgresErrors.describe(e), e);
        }
        DatabaseUrl scratch = near.withDatabase(name);
        return new ScratchTarget() {
            @Override
            public DatabaseUrl url() {
                return scratch;
            }

            @Override
            public void close() {
                try (Connection connection = PostgresConnections.open(admin); Statement statement = connection.createStatement()) {
                    statement.execute("DROP DATABASE IF EXISTS " + SqlText.ident(name));
                } catch (EngineException | SQLException e) {
                    org.jboss.logging.Logger.getLogger(PostgresEngine.class).warnf("could not drop the scratch database %s: %s; drop it by hand",
                            name, e.getMessage());
                }
            }
        };
    }
}
