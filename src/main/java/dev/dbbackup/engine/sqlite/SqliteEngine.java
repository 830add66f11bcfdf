package dev.dbbackup.engine.sqlite;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * SQLite over sqlite-jdbc; no sqlite3 binary needed. Dumps are plain SQL that stock {@code sqlite3} loads;
 * restores write a new file beside the target and swap it in atomically.
 *
 * <p>Row counts ({@link DumpResult#tableRows()} and {@link RestoreSession#rowCounts()}) are keyed by the exact
 * table name in sqlite_schema and cover ordinary tables, shadow tables of FTS5/R*Tree virtual tables,
 * sqlite_sequence and sqlite_stat1; not virtual tables themselves, views, or sqlite_stat4.
 */
@ApplicationScoped
public class SqliteEngine implements DatabaseEngine {

    public SqliteEngine() {
    }

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public boolean supports(DatabaseUrl url) {
        return url != null && url.kind() == DatabaseUrl.Kind.SQLITE;
    }

    @Override
    public DumpResult dump(DatabaseUrl source, DumpOptions options, OutputStream out) throws IOException, EngineException {
        return new SqliteDumper(pathOf(source), options == null ? DumpOptions.defaults() : options).dump(out);
    }

    @Override
    public TargetState inspect(DatabaseUrl target) throws EngineException {
        Path file = pathOf(target);
        String name = String.valueOf(file.getFileName());
        if (!Files.exists(file)) {
            return new TargetState(false, 0, 0, name + ": does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new EngineException(file + " is not a regular file; point DATABASE_URL at the database file");
        }
        long bytes = sizeOf(file) + sizeOf(file.resolveSibling(file.getFileName() + "-wal"));
        int tables = 0;
        try (Connection connection = SqliteCatalog.openReadOnly(file)) {
            for (SqliteCatalog.TableEntry table : SqliteCatalog.tableList(connection).values()) {
                boolean userTable = table.type().equals("table") || table.type().equals("virtual");
                if (userTable && !table.name().toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
                    tables++;
                }
            }
        } catch (SQLException e) {
            if (isDamaged(e)) {
                return TargetState.unreadable(bytes, name + ": cannot be read as a SQLite database", e.getMessage());
            }
            throw new EngineException("cannot read " + file + " as a SQLite database: " + e.getMessage(), e);
        }
        return new TargetState(true, tables, bytes,
                name + ": " + tables + (tables == 1 ? " table, " : " tables, ") + humanSize(bytes));
    }

    @Override
    public SqliteRestoreSession beginRestore(DatabaseUrl target, RestoreOptions options) throws EngineException {
        // options.clean() needs no handling: the restored file replaces the whole database
        return SqliteRestoreSession.begin(pathOf(target));
    }

    /** A lock file beside the database: {@code <real path>.dbbackup-lock} (see {@link SqliteDatabaseLock}). */
    @Override
    public HeldLock lockDatabase(DatabaseUrl url, String purpose) throws EngineException {
        return SqliteDatabaseLock.acquire(pathOf(url), purpose);
    }

    /** SQLITE_CORRUPT or SQLITE_NOTADB: the file is damaged, not merely locked or unreadable by permission. */
    static boolean isDamaged(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        String message = String.valueOf(e.getMessage());
        return primary == 11 || primary == 26 || message.contains("SQLITE_CORRUPT") || message.contains("SQLITE_NOTADB");
    }

    /**
     * Copies the database file (and its write-ahead log, if any) to {@code <real path><suffix>} (and {@code …-wal}), new
     * files of mode 0600 that must not exist yet, synced before this returns.
     */
    @Override
    public java.util.Optional<String> keepByteCopy(DatabaseUrl target, String suffix) throws EngineException {
        Path file = pathOf(target).toAbsolutePath().normalize();
        try {
            Path real = file.toRealPath();
            Path kept = real.resolveSibling(real.getFileName() + suffix);
            copyExactly(real, kept);
            Path wal = real.resolveSibling(real.getFileName() + "-wal");
            if (Files.isRegularFile(wal, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.size(wal) > 0) {
                copyExactly(wal, kept.resolveSibling(kept.getFileName() + "-wal"));
            }
            return java.util.Optional.of(kept.toString());
        } catch (IOException e) {
            throw new EngineException("cannot keep a copy of " + file + ": " + e.getMessage(), e);
        }
    }

    private static void copyExactly(Path from, Path to) throws IOException {
        java.util.Set<java.nio.file.OpenOption> options = java.util.Set.of(java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        java.nio.file.attribute.FileAttribute<?> mode = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        boolean done = false;
        try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(to, options, mode);
             java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(from, java.nio.file.StandardOpenOption.READ)) {
            long size = in.size();
            for (long position = 0; position < size; ) {
                position += in.transferTo(position, size - position, out);
            }
            out.force(true);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(to);
            }
        }
    }

    private static Path pathOf(DatabaseUrl url) throws EngineException {
        if (url == null || url.kind() != DatabaseUrl.Kind.SQLITE) {
            throw new EngineException("the SQLite engine needs a sqlite:/// URL, not " + url);
        }
        return url.sqlitePath();
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Decimal units, as file managers and df -H show them: 1,007,616 bytes is "1.0 MB". */
    static String humanSize(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        do {
            value /= 1000;
            unit++;
        } while (value >= 999.95 && unit < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** A fresh folder in the temporary directory; the scratch database is created there by the restore and removed with it. */
    @Override
    public ScratchTarget createScratch(DatabaseUrl near) throws EngineException {
        Path folder;
        try {
            folder = Files.createTempDirectory("dbbackup-test-restore-");
        } catch (IOException e) {
            throw new EngineException("cannot create a temporary folder for the test-restore: " + e.getMessage(), e);
        }
        DatabaseUrl url = DatabaseUrl.parse("sqlite:///" + folder.resolve("scratch.db").toAbsolutePath());
        return new ScratchTarget() {
            @Override
            public DatabaseUrl url() {
                return url;
            }

            @Override
            public void close() {
                try (var files = Files.walk(folder)) {
                    for (Path path : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                        Files.deleteIfExists(path);
                    }
                } catch (IOException ignored) {
                    // the temporary directory is cleaned by the system eventually
                }
            }
        };
    }
}
