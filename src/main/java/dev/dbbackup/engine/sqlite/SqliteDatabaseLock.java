package dev.dbbackup.engine.sqlite;

import dev.dbbackup.engine.DatabaseLockedException;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.HeldLock;
import dev.dbbackup.storage.local.DirectoryLock;
import dev.dbbackup.storage.local.PrivateFiles;
import dev.dbbackup.engine.LockFileException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The per-database lock of a SQLite database: the backup folder's kind of lock (an operating-system lock on a file that
 * names its holder, released when the process dies, its leftover text reported when taken over) on
 * {@code <database>.dbbackup-lock} beside the database's real path. Beside the database, so that every run that can
 * reach the file (another container mounting the same volume, another user) meets the same lock; the real path, so that
 * {@code ./app.db}, its absolute path and a symbolic link to it are one database. It is a separate file: SQLite's own
 * locks on the database, journal and WAL files are untouched, and other programs keep reading and writing the database.
 * The file exists only while a run holds the lock (or after a killed run, until the next run takes it over).
 */
final class SqliteDatabaseLock implements HeldLock {

    static final String SUFFIX = ".dbbackup-lock";

    private static final Logger LOG = Logger.getLogger(SqliteDatabaseLock.class);

    private final DirectoryLock lock;

    private SqliteDatabaseLock(DirectoryLock lock) {
        this.lock = lock;
    }

    static HeldLock acquire(Path database, String purpose) throws EngineException {
        Path file = lockFileOf(database);
        try {
            return new SqliteDatabaseLock(DirectoryLock.acquireFile(file, purpose, true));
        } catch (DirectoryLock.HeldException e) {
            throw new DatabaseLockedException(e.getMessage());
        } catch (NoSuchFileException e) {
            // No folder, so no database: the restore reports that itself and nothing can be interleaved.
            return HeldLock.NONE;
        } catch (AccessDeniedException e) {
            if (java.nio.file.Files.isWritable(file.getParent())) {
                // Another user's lock file in a folder we may write to: going on could interleave with that user's runs.
                throw new EngineException("cannot open the database lock " + file + ": permission denied; let every user who runs"
                        + " dbbackup on this database write to it (same user or group, chmod g+w)", e);
            }
            return withoutLock(file, "permission denied");
        } catch (PrivateFiles.UnsafeFileException e) {
            throw new LockFileException("cannot lock " + database + ": " + e.getMessage(), e);
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? "" : e.getReason();
            if (reason.contains("Read-only")) {
                return withoutLock(file, "read-only file system");
            }
            if (reason.contains("No space left") || reason.contains("quota")) {
                // A full disk: this run cannot restore there either, so it only reads (see withoutLock).
                return withoutLock(file, reason.toLowerCase(java.util.Locale.ROOT));
            }
            throw new LockFileException("cannot lock " + database + " through " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new LockFileException("cannot lock " + database + " through " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A process that cannot create a file beside the database cannot restore over it either (that writes a new file there):
     * it can only read, and a reader is safe against a concurrent restore, which swaps a new file in atomically.
     */
    private static HeldLock withoutLock(Path file, String reason) {
        LOG.warnf("cannot create the database lock %s (%s): going on without the database lock; the backup folder lock still applies",
                file, reason);
        return HeldLock.NONE;
    }

    /** {@code <real path of the database>.dbbackup-lock}; for a database not created yet, beside its real folder. */
    static Path lockFileOf(Path database) {
        Path absolute = database.toAbsolutePath().normalize();
        Path real;
        try {
            real = absolute.toRealPath();
        } catch (IOException missing) {
            try {
                real = absolute.getParent().toRealPath().resolve(absolute.getFileName());
            } catch (IOException | NullPointerException noFolder) {
                real = absolute;
            }
        }
        return real.resolveSibling(real.getFileName() + SUFFIX);
    }

    @Override
    public Optional<String> takenOverFrom() {
        return lock.staleHolder();
    }

    @Override
    public void close() {
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warnf("could not release the database lock cleanly (it is released when this process ends): %s", e.getMessage());
        }
    }
}
