package dev.dbbackup.engine;

import java.util.Optional;

/** A database lock this process holds against other dbbackup runs (see {@link DatabaseEngine#lockDatabase}); close() releases it. */
public interface HeldLock extends AutoCloseable {

    /** A lock that locks nothing, for engines without a database lock. */
    HeldLock NONE = () -> { };

    /** The holder recorded by a run that died holding the lock, which this run took over (file locks only). */
    default Optional<String> takenOverFrom() {
        return Optional.empty();
    }

    /** Releases the lock; never throws (a lock that cannot be released cleanly is released when the process ends). */
    @Override
    void close();
}
