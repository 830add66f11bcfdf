package dev.dbbackup.engine.sqlite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.testing.SqliteShell;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our dump stays in the same league as sqlite3 .dump (a generous bound: two cores are shared on CI). */
class SqliteDumpPerformanceTest {

    private static final int ROWS = 300_000;

    @TempDir
    Path dir;

    @Test
    void dumpTakesAtMostAFewTimesAsLongAsSqlite3Dump() throws Exception {
        Path source = dir.resolve("big.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + source); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE big(id INTEGER PRIMARY KEY, n INTEGER, r REAL, t TEXT, b BLOB)");
            sql.execute("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < " + ROWS + ")"
                    + " INSERT INTO big SELECT i, i * 7, i / 3.0, 'text value number ' || i, randomblob(16) FROM c");
        }
        DatabaseUrl url = DatabaseUrl.parse("sqlite:///" + source.toAbsolutePath());
        dumpTo(url, dir.resolve("warm-up.sql")); // let the JIT compile the hot path first

        long ours = System.nanoTime();
        dumpTo(url, dir.resolve("ours.sql"));
        ours = System.nanoTime() - ours;

        long stock = System.nanoTime();
        SqliteShell.Result result = SqliteShell.run(List.of("-readonly", source.toString(), ".output " + dir.resolve("stock.sql"), ".dump"), null);
        stock = System.nanoTime() - stock;
        assertTrue(result.exitCode() == 0, result.stderr());

        long oursMillis = ours / 1_000_000;
        long stockMillis = stock / 1_000_000;
        assertTrue(oursMillis <= 4 * stockMillis + 1500,
                "our dump took " + oursMillis + " ms, sqlite3 .dump " + stockMillis + " ms for " + ROWS + " rows");
    }

    private static void dumpTo(DatabaseUrl url, Path file) throws Exception {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            new SqliteEngine().dump(url, DumpOptions.defaults(), out);
        }
    }
}
