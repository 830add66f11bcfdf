package dev.dbbackup.engine.sqlite;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.sqlite.SQLiteConfig;

/**
 * Restores a SQL script into a new hidden file beside the target ({@code .<name>.restore-<random>}) and, on
 * {@link #commit()}, swaps it in with one atomic rename after keeping the previous file as {@code <name>.bak}.
 * The target is never missing and never half-written. Foreign keys stay off during the load so rows that
 * broke a foreign key in the source still restore; {@link #foreignKeyViolations()} lists them.
 */
public final class SqliteRestoreSession implements RestoreSession {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SqliteRestoreSession.class);

    private static final Pattern PRAGMA = Pattern.compile(
            "(?is)PRAGMA\\s+(?:[\\w\"`\\[\\]]+\\s*\\.\\s*)?[\"`\\[]?(\\w+)[\"`\\]]?\\s*(?:=\\s*(.*?)|\\((.*?)\\))?\\s*;?\\s*");
    private static final Pattern FIRST_WORD = Pattern.compile("^([A-Za-z_]+)");
    private static final int STATEMENT_EXCERPT = 200;

    private final Path target;
    private final Path temp;
    private Connection connection;
    private boolean inTransaction;
    private boolean applied;
    private boolean failed;
    private boolean committed;
    private boolean closed;
    private String requestedJournalMode;
    private long rowsBound;

    private SqliteRestoreSession(Path target, Path temp, Connection connection) {
        this.target = target;
        this.temp = temp;
        this.connection = connection;
    }

    static SqliteRestoreSession begin(Path requestedTarget) throws EngineException {
        Path target = requestedTarget.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(target)) {
            try {
                target = target.toRealPath(); // swap the file the link points at, and keep the link
            } catch (IOException e) {
                throw new EngineException("cannot restore into " + target + ": the link points nowhere (" + e.getMessage() + ")", e);
            }
        }
        Path folder = target.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new EngineException("cannot restore into " + target + ": the folder " + folder
                    + " does not exist; create it first");
        }
        if (Files.isDirectory(target)) {
            throw new EngineException("cannot restore into " + target + ": it is a folder; give the path of a database file");
        }
        if (!Files.isWritable(folder)) {
            throw new EngineException("cannot restore into " + target + ": the folder " + folder
                    + " is not writable; the restore writes a new file beside the target");
        }
        removeLeftovers(folder, target.getFileName().toString());
        Path temp = createTempFile(folder, target.getFileName().toString());
        try {
            SQLiteConfig config = new SQLiteConfig();
            // the file is discarded on failure, so it needs no journal and no syncs until the end
            config.setJournalMode(SQLiteConfig.JournalMode.OFF);
            config.setSynchronous(SQLiteConfig.SynchronousMode.OFF);
            config.enforceForeignKeys(false);
            config.setCacheSize(-8192); // 8 MB: native memory; 32 MB was no faster and cost ~100 MB of peak RSS with the read-ahead
            config.setBusyTimeout(SqliteCatalog.BUSY_TIMEOUT_MILLIS);
            // otherwise the driver runs SELECT last_insert_rowid() after every INSERT, for getGeneratedKeys()
            config.setGetGeneratedKeys(false);
            Connection connection = config.createConnection("jdbc:sqlite:" + temp);
            // One INSERT carries a whole row: a 100 MB BLOB is a 200 MB hex literal. Raise the run-time statement limit
            // (sqlite-jdbc starts lower than SQLite's own default) to what the library allows.
            org.sqlite.SQLiteConnection sqlite = connection.unwrap(org.sqlite.SQLiteConnection.class);
            sqlite.setLimit(org.sqlite.SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, Integer.MAX_VALUE);
            sqlite.setLimit(org.sqlite.SQLiteLimits.SQLITE_LIMIT_LENGTH, Integer.MAX_VALUE);
            return new SqliteRestoreSession(target, temp, connection);
        } catch (SQLException e) {
            deleteQuietly(temp);
            throw new EngineException("cannot create the restore file " + temp + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the hidden files of restores into this database that were killed (kill -9, power loss) before they could:
     * a restore runs under the database lock, so no live run owns such a file now.
     */
    private static void removeLeftovers(Path folder, String name) {
        String prefix = "." + name + ".restore-";
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().startsWith(prefix) && Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(file);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warnf("could not remove the files left by an interrupted restore in %s: %s", folder, e.getMessage());
            return;
        }
        if (removed > 0) {
            LOG.infof("removed %d file(s) left by an interrupted restore of %s (%s*)", removed, name, prefix);
        }
    }

    private static Path createTempFile(Path folder, String name) throws EngineException {
        SecureRandom randomSource = new SecureRandom(); // not a static: a native image must not hold a seeded one
        for (int attempt = 0; ; attempt++) {
            byte[] random = new byte[6];
            randomSource.nextBytes(random);
            Path temp = folder.resolve("." + name + ".restore-" + HexFormat.of().formatHex(random));
            try {
                dev.dbbackup.storage.local.PrivateFiles.createNew(temp).close();
                return temp;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw new EngineException("cannot create a restore file in " + folder + ": names keep colliding", e);
                }
            } catch (IOException e) {
                throw new EngineException("cannot create a restore file in " + folder + ": " + e.getMessage(), e);
            }
        }
    }

    /** Rows loaded so far through a prepared statement per table rather than as statements of their own. */
    long rowsBound() {
        return rowsBound;
    }

    /** The hidden file the restore writes until commit. */
    public Path temporaryFile() {
        return temp;
    }

    @Override
    public void apply(InputStream sql) throws IOException, EngineException {
        requireOpen();
        if (failed) {
            throw new EngineException("the restore into " + target + " already failed; start a new one");
        }
        try (Statement statement = connection.createStatement(); RowInserter rows = new RowInserter(connection);
             StatementReader script = new StatementReader(sql)) {
            StatementReader.Item next;
            try {
                while ((next = script.next()) != null) {
                    execute(statement, rows, next);
                }
            } finally {
                rowsBound += rows.rowsInserted();
            }
            rows.forget();
            if (inTransaction) {
                connection.setAutoCommit(true); // commits
                inTransaction = false;
            }
            applied = true;
        } catch (EngineException | IOException | RuntimeException e) {
            failed = true;
            throw e;
        } catch (SQLException e) {
            failed = true;
            throw new EngineException("restore into " + target + " failed at the end of the dump: " + e.getMessage(), e);
        }
    }

    private void execute(Statement statement, RowInserter rows, StatementReader.Item item) throws EngineException {
        SqlScriptSplitter.Statement next = item.statement();
        String sql = next.sql();
        try {
            if (item.row() != null) {
                beginOnce();
                if (rows.insert(item.row())) {
                    return;
                }
            }
        } catch (SQLException e) {
            throw failure(next, e.getMessage(), e);
        }
        rows.forget();
        Matcher word = FIRST_WORD.matcher(sql);
        String keyword = word.find() ? word.group(1).toUpperCase(Locale.ROOT) : "";
        try {
            switch (keyword) {
                case "BEGIN" -> beginOnce();
                case "COMMIT", "END" -> {
                    // the whole load is one transaction, committed after the last statement
                }
                case "ROLLBACK" -> {
                    if (sql.toUpperCase(Locale.ROOT).matches("(?s)ROLLBACK\\s+(TRANSACTION\\s+)?TO\\b.*")) {
                        statement.execute(sql);
                    } else {
                        throw failure(next, "the dump rolls its own transaction back, so it is incomplete "
                                + "(sqlite3 .dump writes ROLLBACK after an error while dumping)", null);
                    }
                }
                case "ATTACH", "DETACH", "BACKUP", "RESTORE" -> throw failure(next,
                        keyword + " is not allowed in a restore: it would read or write files other than the restored database", null);
                case "VACUUM" -> {
                    // nothing to compact in a freshly written file, and VACUUM INTO would write elsewhere
                }
                case "PRAGMA" -> pragma(statement, next);
                default -> {
                    if (sql.startsWith(".")) {
                        throw failure(next, "'" + firstLine(sql) + "' is a sqlite3 shell command, not SQL; remove it from the script", null);
                    }
                    beginOnce();
                    // sqlite3 .dump writes text that is not valid UTF-8 as raw bytes inside '...'
                    // a prepared statement skips sqlite-jdbc's per-call scan for its own extended commands
                    try (java.sql.PreparedStatement prepared = connection.prepareStatement(
                            ByteFaithfulUtf8Reader.rewriteLiteralsWithRawBytes(sql))) {
                        prepared.execute();
                    }
                }
            }
        } catch (SQLException e) {
            throw failure(next, e.getMessage(), e);
        }
    }

    private void pragma(Statement statement, SqlScriptSplitter.Statement next) throws SQLException {
        Matcher matcher = PRAGMA.matcher(next.sql());
        String name = matcher.matches() ? matcher.group(1).toLowerCase(Locale.ROOT) : "";
        String value = matcher.matches() ? (matcher.group(2) != null ? matcher.group(2) : matcher.group(3)) : null;
        switch (name) {
            case "foreign_keys" -> {
                // stays off for the load: rows that break a foreign key in the source must restore too
            }
            case "journal_mode" -> {
                if (value != null) {
                    requestedJournalMode = value.replaceAll("[\"'`\\[\\]\\s]", "").toLowerCase(Locale.ROOT);
                }
            }
            default -> statement.execute(next.sql());
        }
    }

    /**
     * Starts the one transaction of the load through the driver (setAutoCommit(false) runs BEGIN), so it does not
     * try, after every statement, to commit a transaction it believes it is not in.
     */
    private void beginOnce() throws SQLException {
        if (!inTransaction) {
            connection.setAutoCommit(false);
            inTransaction = true;
        }
    }

    private EngineException failure(SqlScriptSplitter.Statement statement, String reason, Throwable cause) {
        String excerpt = statement.sql().length() > STATEMENT_EXCERPT
                ? statement.sql().substring(0, STATEMENT_EXCERPT) + "..." : statement.sql();
        excerpt = excerpt.replaceAll("[\\r\\n\\t]+", " ");
        String truncated = statement.terminated() ? "" : " (the dump ends in this statement without a semicolon; it may be truncated)";
        return new EngineException("restore into " + target + " failed at line " + statement.line()
                + " of the dump: " + reason + truncated + "; statement: " + excerpt, cause);
    }

    private static String firstLine(String sql) {
        int end = sql.indexOf('\n');
        return (end < 0 ? sql : sql.substring(0, end)).strip();
    }

    @Override
    public Map<String, Long> rowCounts() throws EngineException {
        Connection reading = readingConnection();
        try {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (SqliteCatalog.TableEntry table : SqliteCatalog.tableList(reading).values()) {
                if (SqliteCatalog.carriesRows(table)) {
                    counts.put(table.name(), SqliteCatalog.count(reading, table.name()));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new EngineException("counting the rows of the restored database failed: " + e.getMessage(), e);
        } finally {
            closeIfNotSession(reading);
        }
    }

    /**
     * Problems {@code PRAGMA quick_check} finds: b-tree structure, every page used exactly once, record format,
     * NOT NULL and CHECK constraints and (in the SQLite 3.46 the driver bundles; 3.40 did not) that each index
     * holds one entry per row it covers. That is {@code PRAGMA integrity_check} without its lookup of every row's
     * entry in every index and its UNIQUE re-check, which cost several times the whole check on a large file
     * written moments ago by this same SQLite; rows lost from a table still show, in the structure, in an index's
     * entry count and in {@link #rowCounts()}. Foreign key violations are reported by {@link #foreignKeyViolations()}.
     */
    @Override
    public List<String> integrityProblems() throws EngineException {
        Connection reading = readingConnection();
        List<String> problems = new ArrayList<>();
        try (Statement statement = reading.createStatement(); ResultSet rows = statement.executeQuery("PRAGMA quick_check")) {
            while (rows.next()) {
                String line = rows.getString(1);
                if (!"ok".equals(line)) {
                    problems.add(line);
                }
            }
            return problems;
        } catch (SQLException e) {
            throw new EngineException("checking the restored database failed: " + e.getMessage(), e);
        } finally {
            closeIfNotSession(reading);
        }
    }

    /**
     * Rows that break a declared foreign key ({@code PRAGMA foreign_key_check}), one line each. These are not
     * integrity problems of the restore: a dump carries such rows over from its source unchanged.
     */
    public List<String> foreignKeyViolations() throws EngineException {
        Connection reading = readingConnection();
        List<String> violations = new ArrayList<>();
        try (Statement statement = reading.createStatement(); ResultSet rows = statement.executeQuery("PRAGMA foreign_key_check")) {
            while (rows.next()) {
                violations.add(rows.getString(1) + " rowid " + rows.getString(2) + " references missing row in "
                        + rows.getString(3) + " (foreign key " + rows.getInt(4) + ")");
            }
            return violations;
        } catch (SQLException e) {
            throw new EngineException("checking the foreign keys of the restored database failed: " + e.getMessage(), e);
        } finally {
            closeIfNotSession(reading);
        }
    }

    private Connection readingConnection() throws EngineException {
        if (connection != null) {
            return connection;
        }
        if (closed && !committed) {
            throw new IllegalStateException("the restore session is closed");
        }
        try {
            return SqliteCatalog.openReadOnly(committed ? target : temp);
        } catch (SQLException e) {
            throw new EngineException("cannot open the restored database: " + e.getMessage(), e);
        }
    }

    private void closeIfNotSession(Connection reading) {
        if (reading != connection) {
            try {
                reading.close();
            } catch (SQLException ignored) {
                // read-only connection; nothing to lose
            }
        }
    }

    @Override
    public RestoreCommit commit() throws EngineException {
        requireOpen();
        if (failed) {
            throw new EngineException("the restore into " + target + " failed; there is nothing to commit");
        }
        if (!applied) {
            throw new EngineException("nothing was restored into " + target + " yet; apply a dump before committing");
        }
        finishRestoredFile();
        Path kept = null;
        try {
            takeOwnershipOf(Files.exists(target) ? target : target.getParent(), Files.exists(target));
            if (Files.exists(target)) {
                settleTarget();
                kept = target.resolveSibling(target.getFileName() + ".bak");
                keepPrevious(kept);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new EngineException("cannot swap the restored database into " + target
                    + ": this file system cannot rename atomically", e);
        } catch (IOException e) {
            throw new EngineException("cannot swap the restored database into " + target + ": " + e.getMessage(), e);
        }
        committed = true;
        syncFolder(target.getParent());
        return new RestoreCommit(kept == null ? null : kept.toString());
    }

    /**
     * The restored file takes the replaced file's owner, group and mode, so the application that owns its database can open
     * it after a restore run as root. A new file takes the owner and group of its folder, mode 0600. Changing the owner
     * needs root; a restore run by that owner already writes files it owns.
     */
    private void takeOwnershipOf(Path model, boolean replaced) throws IOException {
        java.nio.file.attribute.PosixFileAttributeView view = Files.getFileAttributeView(temp, java.nio.file.attribute.PosixFileAttributeView.class);
        if (view == null || model == null) {
            return;
        }
        java.nio.file.attribute.PosixFileAttributes of = Files.readAttributes(model, java.nio.file.attribute.PosixFileAttributes.class);
        if (replaced) {
            view.setPermissions(of.permissions());
        }
        try {
            if (!of.owner().equals(view.readAttributes().owner())) {
                view.setOwner(of.owner());
            }
            if (!of.group().equals(view.readAttributes().group())) {
                view.setGroup(of.group());
            }
        } catch (java.nio.file.FileSystemException notPermitted) {
            // not root: the file stays the restoring user's, as any file that user writes
        }
    }

    private void finishRestoredFile() throws EngineException {
        try {
            if ("wal".equals(requestedJournalMode)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("PRAGMA journal_mode=WAL");
                }
            }
            connection.close();
            connection = null;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        } catch (SQLException | IOException e) {
            throw new EngineException("cannot finish the restored file " + temp + ": " + e.getMessage(), e);
        }
    }

    /** Makes sure nothing of the current target lives outside its main file (a WAL or a hot journal). */
    private void settleTarget() throws EngineException {
        try (Connection current = SqliteCatalog.openReadWrite(target); Statement statement = current.createStatement()) {
            // reading rolls back a hot journal left by a crashed writer
            statement.executeQuery("SELECT count(*) FROM sqlite_schema").close();
            String mode = SqliteCatalog.singleString(current, "PRAGMA journal_mode");
            if ("wal".equalsIgnoreCase(mode)) {
                try (ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    if (result.next() && result.getInt(1) != 0) {
                        throw inUse("its write-ahead log cannot be checkpointed");
                    }
                }
            }
        } catch (SQLException e) {
            if (SqliteEngine.isDamaged(e)) {
                return; // damaged: nothing to settle, it is kept as .bak all the same
            }
            throw new EngineException("cannot prepare " + target + " for the swap: " + e.getMessage(), e);
        }
        Path wal = target.resolveSibling(target.getFileName() + "-wal");
        Path shm = target.resolveSibling(target.getFileName() + "-shm");
        try {
            if ((Files.exists(wal) && Files.size(wal) > 0) || Files.exists(shm)) {
                throw inUse("its write-ahead log is still open");
            }
        } catch (IOException e) {
            throw new EngineException("cannot check the write-ahead log of " + target + ": " + e.getMessage(), e);
        }
    }

    private EngineException inUse(String why) {
        return new EngineException(target + " is in use by another program (" + why
                + "); stop the application that uses it and restore again");
    }

    private void keepPrevious(Path kept) throws IOException {
        Files.deleteIfExists(kept);
        for (String suffix : List.of("-wal", "-shm", "-journal")) {
            Files.deleteIfExists(kept.resolveSibling(kept.getFileName() + suffix));
        }
        try {
            Files.createLink(kept, target);
        } catch (UnsupportedOperationException | IOException e) {
            // no hard links here (e.g. some network or FAT file systems): copy instead
            Files.copy(target, kept, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(kept, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
    }

    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can sync a directory; the rename itself already happened
        }
    }

    private void requireOpen() {
        if (closed || committed) {
            throw new IllegalStateException("the restore session into " + target + " is already "
                    + (committed ? "committed" : "closed"));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the file is deleted next
            }
            connection = null;
        }
        if (!committed) {
            deleteQuietly(temp);
            for (String suffix : List.of("-journal", "-wal", "-shm")) {
                deleteQuietly(temp.resolveSibling(temp.getFileName() + suffix));
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: a leftover hidden temp file is harmless
        }
    }
}
