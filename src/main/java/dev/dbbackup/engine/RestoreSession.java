package dev.dbbackup.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * A restore in progress. Nothing is visible in the target until {@link #commit()}; {@link #close()}
 * without a commit leaves the target exactly as it was.
 */
public interface RestoreSession extends AutoCloseable {

    /** Executes the whole plain-SQL dump read from {@code sql}. Throws on the first failing statement. */
    void apply(InputStream sql) throws IOException, EngineException;

    /** Row count of each table in the restored (not yet committed) database, keyed like {@link DumpResult#tableRows()}. */
    Map<String, Long> rowCounts() throws EngineException;

    /** Problems an integrity check of the restored (not yet committed) database finds; empty when sound. */
    List<String> integrityProblems() throws EngineException;

    /** Makes the restore visible. Returns where the previous content went, if it was kept (e.g. app.db.bak). */
    RestoreCommit commit() throws EngineException;

    /** Discards the restore unless it was committed. */
    @Override
    void close();

    record RestoreCommit(String previousContentKeptAt) {
    }
}
