package dev.dbbackup.operation;

import dev.dbbackup.engine.DatabaseEngine;
import dev.dbbackup.engine.DatabaseLockedException;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.HeldLock;
import dev.dbbackup.engine.LockFileException;
import org.jboss.logging.Logger;

/**
 * The lock of the database a backup reads or a restore replaces, taken after the folder lock: runs with different backup
 * folders (a cron job and the scheduler, two hosts) cannot interleave on one database. PostgreSQL: an advisory lock on the
 * database; SQLite: a lock file beside it (see the engines).
 */
final class DatabaseLock implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DatabaseLock.class);

    private final HeldLock lock;

    private DatabaseLock(HeldLock lock) {
        this.lock = lock;
    }

    static DatabaseLock hold(DatabaseEngine engine, DatabaseUrl database, String command) {
        try {
            HeldLock lock = engine.lockDatabase(database, command);
            lock.takenOverFrom().ifPresent(holder -> LOG.warnf(
                    "took over the lock of database %s left by a run that ended without releasing it (%s)", database.redacted(), holder));
            return new DatabaseLock(lock);
        } catch (DatabaseLockedException e) {
            throw new DbBackupException(ExitCode.LOCK_HELD, "database " + database.redacted() + " is in use by another dbbackup run: "
                    + e.holder(), "wait for that run to finish (runs with another BACKUP_DIR or on another host count too);"
                    + " a lock left by a killed run is released automatically");
        } catch (LockFileException e) {
            throw new DbBackupException(ExitCode.FAILURE, e.getMessage(),
                    "fix or remove that file in the database's folder (dbbackup creates it itself while a run holds the lock); nothing was written", e);
        } catch (EngineException e) {
            throw new DatabaseUnreachableException("cannot lock database " + database.redacted() + ": " + e.getMessage(),
                    "check DATABASE_URL, the server and the credentials; nothing was written", e);
        }
    }

    @Override
    public void close() {
        lock.close();
    }
}
