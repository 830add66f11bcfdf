package dev.dbbackup.engine;

import java.util.Optional;

/**
 * A database this run created for a restore into it (see {@link DatabaseEngine#createDatabase}). Until {@link #keep()} it
 * belongs to the restore: {@link #close()} drops it again, and so does a stop of the process (SIGINT, SIGTERM), so a failed
 * restore leaves the server as it was.
 */
public interface CreatedDatabase extends AutoCloseable {

    /** For messages, e.g. {@code database 'sales' on db1:5432}; never holds a password. */
    String description();

    /** The restore committed: the database stays, and {@link #close()} does nothing. */
    void keep();

    /**
     * Drops the database again unless it was kept (once; later calls do nothing). Never throws.
     *
     * @return empty when the database is gone (or kept), else one line saying why it could not be dropped
     */
    Optional<String> drop();

    @Override
    default void close() {
        drop();
    }
}
