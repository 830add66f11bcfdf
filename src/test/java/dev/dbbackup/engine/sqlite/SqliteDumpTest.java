package dev.dbbackup.engine.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpProgress;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.testing.SqliteDatabaseComparator;
import dev.dbbackup.testing.SqliteShell;
import dev.dbbackup.testing.SqliteTortureDatabase;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDumpTest {

    @TempDir
    Path dir;

    private final SqliteEngine engine = new SqliteEngine();

    private static DatabaseUrl url(Path file) {
        return DatabaseUrl.parse("sqlite:///" + file.toAbsolutePath());
    }

    private static void execute(Path file, String... statements) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private Path dump(Path source, DumpOptions options) throws Exception {
        Path file = dir.resolve(source.getFileName() + ".sql");
        try (OutputStream out = Files.newOutputStream(file)) {
            engine.dump(url(source), options, out);
        }
        return file;
    }

    private Path restore(Path dump, String name) throws Exception {
        Path target = dir.resolve(name);
        try (RestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults());
             InputStream in = Files.newInputStream(dump)) {
            session.apply(in);
            session.commit();
        }
        return target;
    }

    @Test
    void missingDatabaseIsRefusedAndNotCreated() {
        Path missing = dir.resolve("missing.db");
        EngineException failure = assertThrows(EngineException.class,
                () -> engine.dump(url(missing), DumpOptions.defaults(), new ByteArrayOutputStream()));
        assertTrue(failure.getMessage().contains("does not exist"), failure.getMessage());
        assertFalse(Files.exists(missing), "the dump must not create an empty database");
    }

    @Test
    void fileThatIsNotADatabaseIsAClearError() throws Exception {
        Path garbage = dir.resolve("garbage.db");
        Files.writeString(garbage, "this is not a SQLite database, just some text that is long enough to look like a header".repeat(20));
        EngineException failure = assertThrows(EngineException.class,
                () -> engine.dump(url(garbage), DumpOptions.defaults(), new ByteArrayOutputStream()));
        assertTrue(failure.getMessage().contains(garbage.toString()), failure.getMessage());
    }

    @Test
    void layoutFollowsSqlite3DumpWithSettingsFirstAndTriggersAfterTheData() throws Exception {
        Path source = SqliteTortureDatabase.create(dir.resolve("torture.db"));
        List<String> lines = Files.readAllLines(dump(source, DumpOptions.defaults()), StandardCharsets.UTF_8);

        assertEquals("PRAGMA foreign_keys=OFF;", lines.get(0));
        int begin = lines.indexOf("BEGIN TRANSACTION;");
        assertTrue(begin > 0);
        assertTrue(lines.subList(0, begin).contains("PRAGMA page_size=8192;"));
        assertTrue(lines.subList(0, begin).contains("PRAGMA auto_vacuum=2;"));
        assertEquals("PRAGMA user_version=20261126;", lines.get(begin + 1));
        assertEquals("PRAGMA application_id=-1145195344;", lines.get(begin + 2));
        int lastInsert = -1;
        int firstSchemaObject = Integer.MAX_VALUE;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("INSERT INTO")) {
                lastInsert = i;
            }
            if (line.startsWith("CREATE TRIGGER") || line.startsWith("CREATE VIEW") || line.startsWith("CREATE INDEX")
                    || line.startsWith("CREATE UNIQUE INDEX")) {
                firstSchemaObject = Math.min(firstSchemaObject, i);
            }
        }
        assertTrue(lastInsert < firstSchemaObject, "indexes, views and triggers come after every row");
        assertTrue(lines.indexOf("DELETE FROM sqlite_sequence;") > lines.indexOf("CREATE TABLE auto2(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);"));
        assertEquals("COMMIT;", lines.get(lines.size() - 2));
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith(DumpMarkers.END_OF_DUMP + " tables="), last);
        assertEquals("dbbackup", DumpMarkers.recognise(last).orElseThrow());
    }

    @Test
    void fullTextAndRtreeIndexesAnswerQueriesAfterRestore() throws Exception {
        Path source = SqliteTortureDatabase.create(dir.resolve("torture.db"));
        Path restored = restore(dump(source, DumpOptions.defaults()), "restored.db");
        String[] queries = {
                "SELECT group_concat(rowid) FROM (SELECT rowid FROM docs WHERE docs MATCH 'fox AND 17' ORDER BY rowid)",
                "SELECT count(*) FROM docs WHERE docs MATCH 'jumping'", // porter stemming
                "SELECT group_concat(id) FROM (SELECT id FROM boxes WHERE min_x >= 100 AND max_x <= 300 AND min_y >= 100 AND max_y <= 300 ORDER BY id)"};
        try (Connection before = DriverManager.getConnection("jdbc:sqlite:" + source);
             Connection after = DriverManager.getConnection("jdbc:sqlite:" + restored)) {
            for (String query : queries) {
                assertEquals(single(before, query), single(after, query), query);
            }
            assertTrue(Integer.parseInt(single(after, queries[1])) > 0, "the stemmed query finds documents");
            try (Statement sql = after.createStatement()) {
                sql.execute("INSERT INTO docs(docs) VALUES('integrity-check')"); // FTS5 checks its index against its content
                sql.execute("INSERT INTO docs(title, body) VALUES('added after restore', 'a fox')");
            }
            assertEquals(Integer.parseInt(single(before, "SELECT count(*) FROM docs WHERE docs MATCH 'fox'")) + 1,
                    Integer.parseInt(single(after, "SELECT count(*) FROM docs WHERE docs MATCH 'fox'")));
        }
    }

    private static String single(Connection connection, String query) throws Exception {
        try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }

    @Test
    void virtualTableOfAModuleThisSqliteLacksIsKeptAsItsSchemaRow() throws Exception {
        Path source = dir.resolve("module.db");
        execute(source, "CREATE TABLE a(x)", "INSERT INTO a VALUES(1)", "PRAGMA writable_schema=ON",
                "INSERT INTO sqlite_schema VALUES('table', 'spell', 'spell', 0, 'CREATE VIRTUAL TABLE spell USING spellfix1')",
                "CREATE TABLE spell_vocab(id INTEGER PRIMARY KEY, word TEXT)", "INSERT INTO spell_vocab VALUES(7, 'word')");
        Path dump = dump(source, DumpOptions.defaults());
        assertTrue(Files.readString(dump).contains("PRAGMA writable_schema=ON;"));

        SqliteDatabaseComparator.assertSameContent(source, restore(dump, "module-ours.db"));
        Path stock = dir.resolve("module-stock.db");
        SqliteShell.load(stock, dump);
        SqliteDatabaseComparator.assertSameContent(source, stock);
    }

    @Test
    void tableWhoseColumnsHideEveryRowidNameSaysSoAndKeepsItsRows() throws Exception {
        Path source = dir.resolve("hidden.db");
        execute(source, "CREATE TABLE h(rowid, _rowid_, oid)", "INSERT INTO h VALUES(1, 2, 3), ('a', 'b', 'c')");
        Path dump = dump(source, DumpOptions.defaults());
        assertTrue(Files.readString(dump).contains("-- rowids of \"h\" are not kept"));
        Path restored = restore(dump, "hidden-restored.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + restored)) {
            assertEquals("1,2,3;a,b,c;", single(connection,
                    "SELECT group_concat(v, '') FROM (SELECT \"rowid\" || ',' || \"_rowid_\" || ',' || \"oid\" || ';' AS v FROM h)"));
        }
    }

    @Test
    void progressReportsEveryTableWithTheRowsWritten() throws Exception {
        Path source = dir.resolve("p.db");
        execute(source, "CREATE TABLE a(x)", "CREATE TABLE b(y)", "INSERT INTO a VALUES(1), (2)");
        Map<String, Long> reported = new LinkedHashMap<>();
        DumpProgress progress = reported::put;
        DumpResult result;
        try (OutputStream out = Files.newOutputStream(dir.resolve("p.sql"))) {
            result = engine.dump(url(source), new DumpOptions(List.of(), List.of(), List.of(), false, false, 1, progress), out);
        }
        assertEquals(Map.of("a", 2L, "b", 0L), reported);
        assertEquals(Map.of("a", 2L, "b", 0L), result.tableRows());
        assertTrue(result.serverVersion().matches("3\\.\\d+\\.\\d+"), result.serverVersion());
        assertEquals("p.db", result.databaseName());
    }

    @Test
    void excludedTableDataKeepsTheTableEmpty() throws Exception {
        Path source = dir.resolve("x.db");
        execute(source, "CREATE TABLE keep(x)", "CREATE TABLE skip(y)", "INSERT INTO keep VALUES(1)", "INSERT INTO skip VALUES(2)");
        Path dump = dump(source, new DumpOptions(List.of(), List.of(), List.of("skip"), false, false, 1, DumpProgress.NONE));
        Path restored = restore(dump, "x-restored.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + restored); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT (SELECT count(*) FROM keep), (SELECT count(*) FROM skip)")) {
            rows.next();
            assertEquals(1, rows.getInt(1));
            assertEquals(0, rows.getInt(2));
        }
    }

    @Test
    void walDatabaseRestoresAsWalWithStockSqlite3AndOurs() throws Exception {
        Path source = dir.resolve("wal.db");
        execute(source, "PRAGMA journal_mode=WAL", "CREATE TABLE t(x)", "INSERT INTO t VALUES('in the wal')");
        Path dump = dump(source, DumpOptions.defaults());
        List<String> lines = Files.readAllLines(dump);
        assertEquals("PRAGMA journal_mode=WAL;", lines.get(lines.size() - 2), "set after COMMIT, before the marker");

        SqliteDatabaseComparator.assertSameContent(source, restore(dump, "wal-ours.db"));
        Path stock = dir.resolve("wal-stock.db");
        SqliteShell.load(stock, dump);
        SqliteDatabaseComparator.assertSameContent(source, stock);
    }

    @Test
    void utf16DatabaseKeepsItsEncodingAndTextBytes() throws Exception {
        Path source = dir.resolve("utf16.db");
        execute(source, "PRAGMA encoding='UTF-16le'", "CREATE TABLE t(x TEXT)",
                "INSERT INTO t VALUES('plain'), ('😀 家族'), ('two\nlines'), (CAST(x'00d8' AS TEXT)), ('a' || char(0) || 'b')");
        Path dump = dump(source, DumpOptions.defaults());
        assertTrue(Files.readAllLines(dump).contains("PRAGMA encoding='UTF-16le';"));

        SqliteDatabaseComparator.assertSameContent(source, restore(dump, "utf16-ours.db"));
        Path stock = dir.resolve("utf16-stock.db");
        SqliteShell.load(stock, dump);
        SqliteDatabaseComparator.assertSameContent(source, stock);
    }

    @Test
    void stat4IsLeftOutSoTheStockShellWithoutStat4CanLoadTheDump() throws Exception {
        Path source = dir.resolve("stat4.db");
        execute(source, "CREATE TABLE t(x)", "CREATE INDEX t_x ON t(x)", "INSERT INTO t VALUES(1), (2), (2), (3)", "ANALYZE");
        Path dump = dump(source, DumpOptions.defaults());
        String text = Files.readString(dump);
        assertTrue(text.contains("ANALYZE sqlite_schema;"));
        assertFalse(text.contains("sqlite_stat4\""), "no rows of sqlite_stat4");

        Path stock = dir.resolve("stat4-stock.db");
        SqliteShell.load(stock, dump);
        SqliteDatabaseComparator.assertSameContent(source, stock);
        SqliteDatabaseComparator.assertSameContent(source, restore(dump, "stat4-ours.db"));
    }

    @Test
    void comparatorSeesEveryKindOfDifference() throws Exception {
        Path original = SqliteTortureDatabase.create(dir.resolve("a.db"));
        List<String[]> changes = List.of(
                new String[] {"UPDATE reals SET x = CAST(3602879701896398 AS REAL)/36028797018963968 WHERE id = (SELECT min(id) FROM reals WHERE x = 0.1)", "table \"reals\""},
                new String[] {"UPDATE \"plain rowid\" SET rowid = 6 WHERE rowid = 5", "table \"plain rowid\""},
                new String[] {"UPDATE mixed SET v = '1' WHERE id = 1", "table \"mixed\""},
                new String[] {"UPDATE blobs SET b = CAST(b AS TEXT) WHERE id = 4", "table \"blobs\""},
                new String[] {"UPDATE texts SET t = CAST(x'610063' AS TEXT) WHERE id = 11", "table \"texts\""},
                new String[] {"PRAGMA user_version=1", "PRAGMA user_version"},
                new String[] {"PRAGMA application_id=1", "PRAGMA application_id"},
                new String[] {"UPDATE sqlite_sequence SET seq = 6 WHERE name = 'auto'", "table \"sqlite_sequence\""},
                new String[] {"CREATE TRIGGER extra AFTER DELETE ON audit BEGIN SELECT 1; END", "sqlite_schema: trigger \"extra\""},
                new String[] {"INSERT INTO child VALUES(9, 12345, 'new orphan')", "foreign_key_check"},
                new String[] {"INSERT INTO docs(title, body) VALUES('new', 'document')", "table \"docs_"});
        List<String> missed = new ArrayList<>();
        int n = 0;
        for (String[] change : changes) {
            Path copy = dir.resolve("changed-" + n++ + ".db");
            Files.copy(original, copy);
            execute(copy, change[0]);
            List<String> differences = SqliteDatabaseComparator.compare(original, copy);
            if (differences.stream().noneMatch(difference -> difference.startsWith(change[1]))) {
                missed.add(change[0] + " -> " + differences);
            }
        }
        assertEquals(List.of(), missed);
        assertEquals(List.of(), SqliteDatabaseComparator.compare(original, original));
    }
}
