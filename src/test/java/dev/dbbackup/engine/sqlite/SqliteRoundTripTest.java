package dev.dbbackup.engine.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.testing.SqliteDatabaseComparator;
import dev.dbbackup.testing.SqliteFixtures;
import dev.dbbackup.testing.SqliteShell;
import dev.dbbackup.testing.SqliteTortureDatabase;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqliteRoundTripTest {

    private static final String TORTURE = "torture";

    @TempDir
    Path dir;

    private final SqliteEngine engine = new SqliteEngine();

    static Stream<String> databases() {
        return Stream.concat(SqliteFixtures.NAMES.stream(), Stream.of(TORTURE));
    }

    private Path source(String name) throws SQLException {
        return name.equals(TORTURE) ? SqliteTortureDatabase.create(dir.resolve("torture.db")) : SqliteFixtures.build(name, dir);
    }

    static DatabaseUrl url(Path file) {
        return DatabaseUrl.parse("sqlite:///" + file.toAbsolutePath());
    }

    private DumpResult dump(Path source, Path dumpFile) throws IOException, EngineException {
        try (OutputStream out = Files.newOutputStream(dumpFile)) {
            return engine.dump(url(source), DumpOptions.defaults(), out);
        }
    }

    private long rowsBound;

    private Map<String, Long> restore(Path dumpFile, Path target) throws IOException, EngineException {
        try (SqliteRestoreSession session = engine.beginRestore(url(target), RestoreOptions.defaults());
             InputStream in = Files.newInputStream(dumpFile)) {
            session.apply(in);
            rowsBound = session.rowsBound();
            assertEquals(List.of(), session.integrityProblems(), "integrity_check of the restored file");
            Map<String, Long> counts = session.rowCounts();
            session.commit();
            return counts;
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void dumpRestoresToAnIdenticalDatabaseWithOurRestore(String name) throws Exception {
        Path source = source(name);
        Path dumpFile = dir.resolve(name + ".sql");
        DumpResult result = dump(source, dumpFile);

        Map<String, Long> restoredCounts = restore(dumpFile, dir.resolve("restored.db"));

        SqliteDatabaseComparator.assertSameContent(source, dir.resolve("restored.db"));
        assertEquals(result.tableRows(), restoredCounts, "row counts of the dump and of the restore");
        // every row goes through a prepared statement of its table except those of SQLite's own tables and, in the
        // torture database, the three texts that are not valid UTF-8
        long ownTables = result.tableRows().entrySet().stream().filter(table -> table.getKey().startsWith("sqlite_"))
                .mapToLong(Map.Entry::getValue).sum();
        long total = result.tableRows().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(total - ownTables - (name.equals(TORTURE) ? 3 : 0), rowsBound, "rows bound rather than compiled one by one");
        assertEquals(source.getFileName().toString(), result.databaseName());
        List<String> lines = Files.readAllLines(dumpFile, StandardCharsets.UTF_8);
        assertEquals("PRAGMA foreign_keys=OFF;", lines.get(0));
        assertTrue(lines.get(lines.size() - 1).startsWith(DumpMarkers.END_OF_DUMP), "last line is the end marker");
    }

    @org.junit.jupiter.api.Test
    void rowsWithMegabyteBlobsAndTextRoundTrip() throws Exception {
        Path source = dir.resolve("large-values.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + source);
             java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE files(id INTEGER PRIMARY KEY, content BLOB, body TEXT)");
            s.execute("INSERT INTO files VALUES (1, randomblob(1048576), NULL), (2, randomblob(8000000), NULL),"
                    + " (3, NULL, printf('%.*c', 3000000, 'x'))");
        }
        Path dumpFile = dir.resolve("large.sql");
        DumpResult result = dump(source, dumpFile);
        assertEquals(result.tableRows(), restore(dumpFile, dir.resolve("restored.db")));
        SqliteDatabaseComparator.assertSameContent(source, dir.resolve("restored.db"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void dumpRestoresToAnIdenticalDatabaseWithStockSqlite3(String name) throws Exception {
        Path source = source(name);
        Path dumpFile = dir.resolve(name + ".sql");
        dump(source, dumpFile);

        Path restored = dir.resolve("by-sqlite3.db");
        SqliteShell.load(restored, dumpFile);

        SqliteDatabaseComparator.assertSameContent(source, restored);
    }

    @ParameterizedTest
    @ValueSource(strings = {"chinook/Chinook_Sqlite.sql", "northwind/create.sql northwind/update.sql",
            "sakila-schema-only/sqlite-sakila-schema.sql"})
    void fixtureScriptsLoadWithOurRestoreAsWithStockSqlite3(String scripts) throws Exception {
        Path[] files = Stream.of(scripts.split(" ")).map(script -> SqliteFixtures.root().resolve("sqlite").resolve(script))
                .toArray(Path[]::new);
        Path byStockShell = dir.resolve("stock-shell.db");
        for (Path script : files) {
            SqliteShell.load(byStockShell, script);
        }
        Path ours = dir.resolve("ours.db");
        SqliteFixtures.load(ours, files);

        SqliteDatabaseComparator.assertSameContent(byStockShell, ours);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void stockSqlite3DumpLoadsWithOurRestore(String name) throws Exception {
        Path source = source(name);
        Path stockDump = dir.resolve(name + "-stock.sql");
        SqliteShell.dump(source, stockDump);
        Path byStockShell = dir.resolve("stock-shell.db");
        SqliteShell.load(byStockShell, stockDump);

        Path ours = dir.resolve("ours.db");
        Map<String, Long> counts = restore(stockDump, ours);
        long ownTables = counts.entrySet().stream().filter(table -> table.getKey().startsWith("sqlite_"))
                .mapToLong(Map.Entry::getValue).sum();
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        // stock .dump writes text that is not valid UTF-8 as raw bytes, which only SQLite reads as written
        assertEquals(total - ownTables - (name.equals(TORTURE) ? 3 : 0), rowsBound, "rows bound rather than compiled one by one");

        // our restore of a stock dump gives what the stock shell makes of it, except where stock .dump writes
        // REALs as decimals, which SQLite 3.40 (the shell) and 3.46 (our driver) round differently
        List<String> differences = SqliteDatabaseComparator.compare(byStockShell, ours).stream()
                .filter(difference -> !(name.equals(TORTURE) && difference.startsWith("table \"reals\"")))
                .toList();
        assertEquals(List.of(), differences);
    }
}
