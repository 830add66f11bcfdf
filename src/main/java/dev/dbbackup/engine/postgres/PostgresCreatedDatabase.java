package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.CreatedDatabase;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.EngineException;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * A restore target created by this run. Dropped again by close() unless kept, and by a shutdown hook when the process is
 * stopped (SIGINT, SIGTERM) before the restore committed: the hook first ends this role's sessions on it (the restore's
 * own, still running on the main thread), since DROP DATABASE refuses a database that has connections. A normal drop does
 * not end anyone's session: a database someone else is using is left with a warning instead.
 */
final class PostgresCreatedDatabase implements CreatedDatabase {

    private static final Logger LOG = Logger.getLogger(PostgresCreatedDatabase.class);

    private final DatabaseUrl admin;
    private final DatabaseUrl target;
    private Thread dropOnExit;
    private boolean settled;

    private PostgresCreatedDatabase(DatabaseUrl admin, DatabaseUrl target) {
        this.admin = admin;
        this.target = target;
    }

    /** Registers the drop-on-stop hook for a database just created; drops it at once when the process is already stopping. */
    static PostgresCreatedDatabase created(DatabaseUrl admin, DatabaseUrl target) throws EngineException {
        PostgresCreatedDatabase created = new PostgresCreatedDatabase(admin, target);
        Thread hook = new Thread(created::dropOnStop, "dbbackup-drop-created-database");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException stopping) {
            created.drop();
            throw new EngineException("not restoring into " + created.description() + ": the process is stopping; it was dropped again");
        }
        created.dropOnExit = hook;
        return created;
    }

    @Override
    public String description() {
        return "database '" + target.database() + "' on " + target.host() + ":" + target.port();
    }

    @Override
    public synchronized void keep() {
        if (!settled) {
            settled = true;
            removeHook();
        }
    }

    @Override
    public synchronized Optional<String> drop() {
        if (settled) {
            return Optional.empty();
        }
        settled = true;
        removeHook();
        return dropNow(false);
    }

    private synchronized void dropOnStop() {
        if (settled) {
            return;
        }
        settled = true;
        dropNow(true);
    }

    private Optional<String> dropNow(boolean endOwnSessions) {
        try (Connection connection = PostgresConnections.open(admin); Statement statement = connection.createStatement()) {
            if (endOwnSessions) {
                try (PreparedStatement end = connection.prepareStatement("""
                        SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity
                        WHERE datname = ? AND usename = current_user AND pid <> pg_catalog.pg_backend_pid()""")) {
                    end.setString(1, target.database());
                    end.executeQuery().close();
                }
            }
            // DROP DATABASE waits a few seconds for sessions that are ending (ours, just closed) to go.
            statement.execute("DROP DATABASE IF EXISTS " + SqlText.ident(target.database()));
            LOG.infof("dropped %s again, which this restore had created", description());
            return Optional.empty();
        } catch (EngineException | SQLException e) {
            String why = e instanceof SQLException sql ? PostgresErrors.describe(sql) : e.getMessage();
            LOG.warnf("could not drop %s, which this restore had created: %s; drop it by hand (dropdb)", description(), why);
            return Optional.of(why);
        }
    }

    private void removeHook() {
        if (dropOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(dropOnExit);
            } catch (IllegalStateException stopping) {
                // the process is stopping: the hook runs and finds the database settled
            }
            dropOnExit = null;
        }
    }
}
