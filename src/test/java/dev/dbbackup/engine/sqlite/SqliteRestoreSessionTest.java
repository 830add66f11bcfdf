package dev.dbbackup.engine.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.engine.TargetState;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteRestoreSessionTest {

    @TempDir
    Path dir;

    private final SqliteEngine engine = new SqliteEngine();

    private static DatabaseUrl url(Path file) {
        return DatabaseUrl.parse("sqlite:///" + file.toAbsolutePath());
    }

    private static ByteArrayInputStream sql(String script) {
        return new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8));
    }

    private static void execute(Path file, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static long count(Path file, String table) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private List<Path> restoreLeftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().contains(".restore-")).toList();
        }
    }

    @Test
    void failingStatementNamesItsLineAndLeavesTargetUntouchedWithNoTempFile() throws Exception {
        Path target = dir.resolve("app.db");
        execute(target, "CREATE TABLE kept(x)", "INSERT INTO kept VALUES('original')");
        byte[] before = Files.readAllBytes(target);
        String longTail = "x".repeat(300);
        String script = "BEGIN TRANSACTION;\nCREATE TABLE t(a);\nINSERT INTO t VALUES(1);\n\nINSERT INTO missing VALUES('" + longTail + "');\nCOMMIT;\n";

        EngineException failure;
        try (RestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            failure = assertThrows(EngineException.class, () -> session.apply(sql(script)));
            assertThrows(EngineException.class, session::commit, "a failed restore cannot be committed");
        }

        assertTrue(failure.getMessage().contains("line 5"), failure.getMessage());
        assertTrue(failure.getMessage().contains("no such table: missing"), failure.getMessage());
        assertTrue(failure.getMessage().contains("INSERT INTO missing VALUES('xxx"), failure.getMessage());
        assertFalse(failure.getMessage().contains("x".repeat(250)), "only the first 200 characters of the statement");
        assertArrayEquals(before, Files.readAllBytes(target), "the target is byte for byte what it was");
        assertEquals(List.of(), restoreLeftovers(), "no temporary file is left behind");
        assertFalse(Files.exists(dir.resolve("app.db.bak")));
    }

    @Test
    void closeWithoutCommitDiscardsTheRestore() throws Exception {
        Path target = dir.resolve("app.db");
        try (SqliteRestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            session.apply(sql("CREATE TABLE t(a); INSERT INTO t VALUES(1);"));
            assertTrue(Files.exists(session.temporaryFile()));
            assertTrue(session.temporaryFile().getFileName().toString().startsWith(".app.db.restore-"));
        }
        assertFalse(Files.exists(target));
        assertEquals(List.of(), restoreLeftovers());
    }

    @Test
    void commitKeepsThePreviousDatabaseAsBakAndReplacesTheTarget() throws Exception {
        Path target = dir.resolve("app.db");
        execute(target, "CREATE TABLE old(x)", "INSERT INTO old VALUES('previous')");
        Files.writeString(dir.resolve("app.db.bak"), "an older backup that is replaced");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));

        RestoreSession.RestoreCommit commit;
        try (RestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            session.apply(sql("CREATE TABLE fresh(y); INSERT INTO fresh VALUES(1), (2);"));
            assertEquals(Map.of("fresh", 2L), session.rowCounts());
            assertEquals(List.of(), session.integrityProblems());
            commit = session.commit();
        }

        assertEquals(dir.resolve("app.db.bak").toAbsolutePath().toString(), commit.previousContentKeptAt());
        assertEquals(1, count(dir.resolve("app.db.bak"), "old"));
        assertEquals(2, count(target, "fresh"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)), "the replaced file's mode");
        assertEquals(List.of(), restoreLeftovers());
    }

    @Test
    void walTargetIsCheckpointedSoTheBakHoldsAllItsCommittedRows() throws Exception {
        Path target = dir.resolve("wal.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + target); Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            statement.execute("PRAGMA wal_autocheckpoint=0");
            statement.execute("CREATE TABLE t(x)");
            statement.execute("INSERT INTO t VALUES(1), (2), (3)");
            // still open: the rows live in wal.db-wal only; close it before the restore as a stopped app would
        }
        try (RestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            session.apply(sql("CREATE TABLE n(y);"));
            session.commit();
        }
        assertEquals(3, count(dir.resolve("wal.db.bak"), "t"));
        assertFalse(Files.exists(dir.resolve("wal.db-wal")) && Files.size(dir.resolve("wal.db-wal")) > 0);
        assertEquals(0, count(target, "n"));
    }

    @Test
    void targetInUseByAnotherWalConnectionIsRefusedAndKept() throws Exception {
        Path target = dir.resolve("busy.db");
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + target); Statement statement = other.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            statement.execute("CREATE TABLE t(x)");
            statement.execute("INSERT INTO t VALUES(1)");
            try (RestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
                session.apply(sql("CREATE TABLE n(y);"));
                EngineException refused = assertThrows(EngineException.class, session::commit);
                assertTrue(refused.getMessage().contains("in use by another program"), refused.getMessage());
            }
            assertEquals(1, count(target, "t"));
        }
        assertEquals(List.of(), restoreLeftovers());
    }

    @Test
    void targetPathIsNeverAbsentDuringCommit() throws Exception {
        Path target = dir.resolve("live.db");
        execute(target, "CREATE TABLE t(x)");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong missing = new AtomicLong();
        AtomicLong checks = new AtomicLong();
        Thread watcher = new Thread(() -> {
            while (!stop.get()) {
                if (!Files.exists(target)) {
                    missing.incrementAndGet();
                }
                checks.incrementAndGet();
            }
        });
        watcher.start();
        try {
            for (int i = 0; i < 30; i++) {
                try (RestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
                    session.apply(sql("CREATE TABLE t(x); INSERT INTO t VALUES(" + i + ");"));
                    session.commit();
                }
            }
        } finally {
            stop.set(true);
            watcher.join();
        }
        assertTrue(checks.get() > 30, "the watcher ran");
        assertEquals(0, missing.get(), "times the target path was missing");
        assertEquals(1, count(target, "t"));
    }

    @Test
    void symbolicLinkTargetKeepsTheLinkAndReplacesTheFileItPointsAt() throws Exception {
        Path real = Files.createDirectory(dir.resolve("data")).resolve("real.db");
        execute(real, "CREATE TABLE old(x)");
        Path link = Files.createSymbolicLink(dir.resolve("link.db"), real);
        try (RestoreSession session = engine.beginRestore(url(link), RestoreOptions.defaults())) {
            session.apply(sql("CREATE TABLE t(x); INSERT INTO t VALUES(1);"));
            session.commit();
        }
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(1, count(real, "t"));
        assertTrue(Files.exists(dir.resolve("data/real.db.bak")));
    }

    @Test
    void restoringIntoAPathThatDoesNotExistCreatesIt() throws Exception {
        Path target = dir.resolve("new.db");
        RestoreSession.RestoreCommit commit;
        try (RestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            session.apply(sql("CREATE TABLE t(x); INSERT INTO t VALUES(1);"));
            commit = session.commit();
        }
        assertNull(commit.previousContentKeptAt());
        assertEquals(1, count(target, "t"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void missingParentFolderIsAClearError() {
        Path target = dir.resolve("no/such/folder/app.db");
        EngineException failure = assertThrows(EngineException.class,
                () -> engine.beginRestore(url(target), RestoreOptions.defaults()));
        assertTrue(failure.getMessage().contains("does not exist; create it first"), failure.getMessage());
        assertFalse(Files.exists(dir.resolve("no")));
    }

    @Test
    void foreignKeyViolationsOfTheSourceRestoreAndAreReportedApartFromIntegrity() throws Exception {
        Path target = dir.resolve("fk.db");
        try (SqliteRestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            session.apply(sql("PRAGMA foreign_keys=ON;\nCREATE TABLE p(id INTEGER PRIMARY KEY);\n"
                    + "CREATE TABLE c(id INTEGER PRIMARY KEY, p REFERENCES p(id));\nINSERT INTO c VALUES(1, 42);\n"));
            assertEquals(List.of(), session.integrityProblems());
            assertEquals(1, session.foreignKeyViolations().size());
            assertTrue(session.foreignKeyViolations().get(0).startsWith("c rowid 1"), session.foreignKeyViolations().toString());
            session.commit();
        }
        assertEquals(1, count(target, "c"));
    }

    @Test
    void pythonIterdumpScriptOfTheOldBackupScriptsRestores() throws Exception {
        // what Python 3.11's sqlite3 Connection.iterdump() writes; the scripts dbbackup replaces used it
        String script = String.join("\n",
                "BEGIN TRANSACTION;",
                "CREATE TABLE Zeta(x BLOB);",
                "INSERT INTO \"Zeta\" VALUES(X'00FF');",
                "ANALYZE \"sqlite_master\";",
                "INSERT INTO \"sqlite_stat1\" VALUES('Zeta',NULL,'1');",
                "INSERT INTO \"sqlite_stat1\" VALUES('users','users_name','3 1');",
                "CREATE TABLE users(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, score REAL);",
                "INSERT INTO \"users\" VALUES(1,'a''b',0.1);",
                "INSERT INTO \"users\" VALUES(2,'line",
                "break',1.0e+300);",
                "INSERT INTO \"users\" VALUES(3,NULL,NULL);",
                "CREATE INDEX users_name ON users(name);",
                "CREATE VIEW v AS SELECT * FROM users;",
                "CREATE TRIGGER tr AFTER INSERT ON users BEGIN UPDATE users SET score = 0 WHERE id = new.id; END;",
                "DELETE FROM \"sqlite_sequence\";",
                "INSERT INTO \"sqlite_sequence\" VALUES('users',3);",
                "COMMIT;", "");
        Path target = dir.resolve("legacy.db");
        try (SqliteRestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            session.apply(sql(script));
            assertEquals(Map.of("Zeta", 1L, "users", 3L, "sqlite_sequence", 1L, "sqlite_stat1", 2L), session.rowCounts());
            session.commit();
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + target); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name, score FROM users WHERE id = 2")) {
            rows.next();
            assertEquals("line\nbreak", rows.getString(1));
            assertEquals(1e300, rows.getDouble(2));
        }
    }

    @Test
    void scriptThatRollsItselfBackIsRefused() throws Exception {
        try (RestoreSession session = engine.beginRestore(url(dir.resolve("r.db")), RestoreOptions.defaults())) {
            EngineException failure = assertThrows(EngineException.class,
                    () -> session.apply(sql("BEGIN TRANSACTION;\nCREATE TABLE t(a);\nROLLBACK; -- due to errors\n")));
            assertTrue(failure.getMessage().contains("line 3"), failure.getMessage());
            assertTrue(failure.getMessage().contains("incomplete"), failure.getMessage());
        }
    }

    @Test
    void attachIsRefusedSoADumpCannotWriteOtherFiles() throws Exception {
        try (RestoreSession session = engine.beginRestore(url(dir.resolve("a.db")), RestoreOptions.defaults())) {
            EngineException failure = assertThrows(EngineException.class,
                    () -> session.apply(sql("ATTACH DATABASE '" + dir.resolve("other.db") + "' AS o;\nCREATE TABLE o.t(x);\n")));
            assertTrue(failure.getMessage().contains("ATTACH is not allowed"), failure.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("other.db")));
    }

    @Test
    void shellDotCommandIsNamedInTheError() throws Exception {
        try (RestoreSession session = engine.beginRestore(url(dir.resolve("d.db")), RestoreOptions.defaults())) {
            EngineException failure = assertThrows(EngineException.class,
                    () -> session.apply(sql("CREATE TABLE t(a);\n.mode csv\nSELECT 1;\n")));
            assertTrue(failure.getMessage().contains("line 2") && failure.getMessage().contains("sqlite3 shell command"),
                    failure.getMessage());
        }
    }

    @Test
    void truncatedDumpFailsAtItsLastStatement() throws Exception {
        try (RestoreSession session = engine.beginRestore(url(dir.resolve("t.db")), RestoreOptions.defaults())) {
            EngineException failure = assertThrows(EngineException.class,
                    () -> session.apply(sql("CREATE TABLE t(a);\nINSERT INTO t VALUES('cut")));
            assertTrue(failure.getMessage().contains("line 2") && failure.getMessage().contains("truncated"), failure.getMessage());
        }
    }

    @Test
    void walJournalModeOfTheDumpIsAppliedAfterTheLoad() throws Exception {
        Path target = dir.resolve("w.db");
        try (RestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            session.apply(sql("BEGIN TRANSACTION;\nCREATE TABLE t(a);\nINSERT INTO t VALUES(1);\nCOMMIT;\nPRAGMA journal_mode=WAL;\n"));
            session.commit();
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + target); Statement statement = connection.createStatement();
             ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
            mode.next();
            assertEquals("wal", mode.getString(1));
        }
        assertEquals(List.of(), restoreLeftovers(), "the restore file's WAL was checkpointed into it before the swap");
    }

    @Test
    void severalScriptsApplyInOrderInOneSession() throws Exception {
        Path target = dir.resolve("two.db");
        try (RestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            session.apply(sql("CREATE TABLE t(a); INSERT INTO t VALUES(1);"));
            session.apply(sql("UPDATE t SET a = a + 1;"));
            session.commit();
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + target); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT a FROM t")) {
            rows.next();
            assertEquals(2, rows.getInt(1));
        }
    }

    @Test
    void inspectDescribesTablesAndSize() throws Exception {
        Path target = dir.resolve("app.db");
        TargetState absent = engine.inspect(url(target));
        assertFalse(absent.exists());
        assertTrue(absent.isEmpty());

        execute(target, "CREATE TABLE a(x INTEGER PRIMARY KEY AUTOINCREMENT)", "CREATE TABLE b(y)",
                "CREATE VIRTUAL TABLE f USING fts5(z)", "CREATE VIEW v AS SELECT 1", "INSERT INTO a DEFAULT VALUES");
        TargetState state = engine.inspect(url(target));
        assertTrue(state.exists());
        assertEquals(3, state.tableCount(), "a, b and f; not sqlite_sequence, shadow tables or views");
        assertEquals(Files.size(target), state.approximateBytes());
        assertTrue(state.description().matches("app\\.db: 3 tables, \\d+\\.\\d kB"), state.description());
    }

    @Test
    void targetThatIsNotADatabaseIsKeptAsBakAndReplaced() throws Exception {
        Path target = dir.resolve("notes.db");
        String garbage = "not a database, but somebody's notes ".repeat(40);
        Files.writeString(target, garbage);
        dev.dbbackup.engine.TargetState unreadable = engine.inspect(url(target));
        assertTrue(unreadable.isUnreadable() && !unreadable.isEmpty(), unreadable.toString());
        assertTrue(unreadable.description().contains("cannot be read as a SQLite database"), unreadable.description());

        try (RestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            session.apply(sql("CREATE TABLE t(x);"));
            session.commit();
        }
        assertEquals(garbage, Files.readString(dir.resolve("notes.db.bak")));
        assertEquals(0, count(target, "t"));
    }

    @Test
    void integrityCheckFindsAnIndexThatLacksEntriesOfItsTable() throws Exception {
        Path target = dir.resolve("app.db");
        try (SqliteRestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            session.apply(sql("CREATE TABLE t(a); INSERT INTO t VALUES(1); INSERT INTO t VALUES(7); INSERT INTO t VALUES(9);"
                    + "CREATE INDEX i ON t(a) WHERE a > 5;"));
            assertEquals(List.of(), session.integrityProblems(), "a partial index holds only some rows");
            // make SQLite take the partial index for a full one: it now lacks the entry of row 1
            execute(session.temporaryFile(), "PRAGMA writable_schema=ON",
                    "UPDATE sqlite_schema SET sql = 'CREATE INDEX i ON t(a)' WHERE name = 'i'",
                    "PRAGMA schema_version = 100", "PRAGMA writable_schema=OFF");
            assertEquals(List.of("wrong # of entries in index i"), session.integrityProblems());
        }
        assertFalse(Files.exists(target));
    }

    @Test
    void integrityCheckPassesWithoutRowidTablesExpressionIndexesAndShadowTables() throws Exception {
        Path target = dir.resolve("app.db");
        try (SqliteRestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults())) {
            session.apply(sql("BEGIN; CREATE TABLE w(k TEXT PRIMARY KEY, v, n INT UNIQUE) WITHOUT ROWID;"
                    + "INSERT INTO w VALUES('a', 1, 1); INSERT INTO w VALUES('b', NULL, 2); INSERT INTO w VALUES('c', 'x', NULL);"
                    + "CREATE INDEX w_v ON w(v); CREATE INDEX w_len ON w(length(k) + n);"
                    + "CREATE TABLE r(id INTEGER PRIMARY KEY, t TEXT UNIQUE); INSERT INTO r VALUES(1, 'x'); INSERT INTO r VALUES(2, NULL);"
                    + "CREATE VIRTUAL TABLE f USING fts5(body); INSERT INTO f VALUES('hello world'); COMMIT;"));
            assertEquals(List.of(), session.integrityProblems());
            assertEquals(Map.of("w", 3L, "r", 2L, "f_data", count(session.temporaryFile(), "f_data"), "f_idx", 1L,
                    "f_content", 1L, "f_docsize", 1L, "f_config", 1L), session.rowCounts());
        }
    }

    @Test
    void humanSizesUseOneDecimal() {
        assertEquals("512 B", SqliteEngine.humanSize(512));
        assertEquals("1.0 MB", SqliteEngine.humanSize(1_007_616));
        assertEquals("2.7 GB", SqliteEngine.humanSize(2_684_354_560L));
        assertEquals("1.0 MB", SqliteEngine.humanSize(999_999));
    }
}
