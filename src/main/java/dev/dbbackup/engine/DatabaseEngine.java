package dev.dbbackup.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * One database product. An engine writes a plain-SQL dump to a stream and restores one from a
 * stream; it knows nothing of files, compression, manifests or retention.
 */
public interface DatabaseEngine {

    /** Short name written into manifests: "sqlite" or "postgresql". */
    String name();

    boolean supports(DatabaseUrl url);

    /**
     * Writes a complete dump of the database to {@code out}, ending with {@link DumpMarkers#END_OF_DUMP}
     * as its last line. Must stream: never hold a table in memory. Throws on any failure;
     * a dump that did not write its end marker is never a backup.
     */
    DumpResult dump(DatabaseUrl source, DumpOptions options, OutputStream out) throws IOException, EngineException;

    /** What the restore target holds now; used to refuse non-empty targets and to decide on a safety backup. */
    TargetState inspect(DatabaseUrl target) throws EngineException;

    /**
     * Starts a restore that is invisible to readers of the target until {@link RestoreSession#commit()}
     * (SQLite: a new file beside the target, swapped in at commit; PostgreSQL: one transaction).
     */
    RestoreSession beginRestore(DatabaseUrl target, RestoreOptions options) throws EngineException;

    /**
     * Creates the restore target {@code target}, which {@link #inspect} found missing, as an empty database (PostgreSQL:
     * {@code CREATE DATABASE} on the same server). The result drops it again when closed before
     * {@link CreatedDatabase#keep()}. Empty when there is nothing to create: the database exists after all (another run
     * created it meanwhile; inspect it again), or this engine's restore creates its target itself (SQLite, the default).
     *
     * @throws DatabaseCreationRefusedException when the credentials may not create databases
     */
    default Optional<CreatedDatabase> createDatabase(DatabaseUrl target) throws EngineException {
        return Optional.empty();
    }

    /**
     * Creates an empty throwaway target for a test-restore: a temporary file (SQLite) or a temporary database with a
     * unique name on the server of {@code near} (PostgreSQL). {@code near} is the configured database, used only to
     * know where such a target can live; it is never written.
     */
    default ScratchTarget createScratch(DatabaseUrl near) throws EngineException {
        throw new EngineException("the " + name() + " engine cannot create a scratch target for a test-restore");
    }

    /**
     * Takes this database's lock against other dbbackup runs (a backup, a restore) that use the same database, whatever
     * their backup folder; fails at once with {@link DatabaseLockedException} naming the holder when another live run has
     * it. The lock must go away with the process that holds it, so a killed run never leaves a stale lock behind.
     * {@code purpose} ("backup", "restore") is shown to the run that is refused.
     */
    default HeldLock lockDatabase(DatabaseUrl url, String purpose) throws EngineException {
        return HeldLock.NONE;
    }

    /**
     * Keeps the target's current content byte-for-byte beside it, under its name plus {@code suffix}, when no safety
     * dump can be taken (the file is damaged). Returns where it is kept; empty when this engine cannot keep a copy
     * (PostgreSQL: a server's files are not ours to copy).
     */
    default java.util.Optional<String> keepByteCopy(DatabaseUrl target, String suffix) throws EngineException {
        return java.util.Optional.empty();
    }
}
