package dev.dbbackup.engine.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.testing.SlowOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dump is one snapshot while another connection keeps writing: the writer inserts two rows into "pairs"
 * and one into "batches" per transaction, so any dump that mixes states has an odd pair count, a batch with
 * one row, or batches that do not match the pairs (the two tables are far apart in the dump).
 */
class SqliteDumpConsistencyTest {

    private static final int PREFILLED_BATCHES = 20_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"wal", "delete"})
    void dumpIsOneConsistentSnapshotWhileAnotherConnectionWrites(String journalMode) throws Exception {
        Path source = dir.resolve("busy.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + source); Statement sql = connection.createStatement()) {
            assertEquals(journalMode, single(sql, "PRAGMA journal_mode=" + journalMode));
            sql.execute("CREATE TABLE pairs(id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, padding TEXT)");
            sql.execute("CREATE TABLE filler(x)");
            sql.execute("CREATE TABLE batches(batch INTEGER PRIMARY KEY)");
            connection.setAutoCommit(false);
            try (PreparedStatement pair = connection.prepareStatement("INSERT INTO pairs(batch, padding) VALUES(?, ?)");
                 PreparedStatement batch = connection.prepareStatement("INSERT INTO batches VALUES(?)")) {
                for (int b = 1; b <= PREFILLED_BATCHES; b++) {
                    insertBatch(pair, batch, b);
                }
            }
            sql.execute("INSERT INTO filler SELECT zeroblob(100) FROM pairs");
            connection.commit();
        }

        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean dumping = new AtomicBoolean();
        AtomicLong committedDuringDump = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + source);
                 Statement sql = connection.createStatement();
                 PreparedStatement pair = connection.prepareStatement("INSERT INTO pairs(batch, padding) VALUES(?, ?)");
                 PreparedStatement batch = connection.prepareStatement("INSERT INTO batches VALUES(?)")) {
                sql.execute("PRAGMA busy_timeout=60000");
                int next = PREFILLED_BATCHES + 1;
                while (!stop.get()) {
                    sql.execute("BEGIN IMMEDIATE");
                    insertBatch(pair, batch, next++);
                    sql.execute("COMMIT");
                    committed.incrementAndGet();
                    if (dumping.get()) {
                        committedDuringDump.incrementAndGet();
                    }
                }
            } catch (Throwable e) {
                writerFailure.set(e);
            }
        });
        writer.start();
        Path dumpFile = dir.resolve("busy.sql");
        DumpResult result;
        try {
            while (committed.get() < 20) {
                Thread.sleep(5);
            }
            dumping.set(true);
            try (OutputStream out = new SlowOutputStream(Files.newOutputStream(dumpFile), 20)) {
                result = new SqliteEngine().dump(url(source), DumpOptions.defaults(), out);
            }
            dumping.set(false);
            long afterDump = committed.get();
            while (committed.get() < afterDump + 20 && writerFailure.get() == null) {
                Thread.sleep(5); // the writer goes on once the dump has ended
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertNull(writerFailure.get(), "the writer failed: " + writerFailure.get());
        if (journalMode.equals("wal")) {
            assertTrue(committedDuringDump.get() > 0, "the writer committed while the dump ran");
        }

        Path restored = dir.resolve("restored.db");
        try (RestoreSession session = new SqliteEngine().beginRestore(url(restored), RestoreOptions.defaults());
             InputStream in = Files.newInputStream(dumpFile)) {
            session.apply(in);
            assertEquals(result.tableRows(), session.rowCounts());
            session.commit();
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + restored); Statement sql = connection.createStatement()) {
            long pairs = Long.parseLong(single(sql, "SELECT count(*) FROM pairs"));
            long batches = Long.parseLong(single(sql, "SELECT count(*) FROM batches"));
            assertEquals(0, pairs % 2, "pairs are written two at a time");
            assertEquals(pairs / 2, batches, "batches and pairs come from the same moment");
            assertEquals("0", single(sql, "SELECT count(*) FROM (SELECT batch FROM pairs GROUP BY batch HAVING count(*) <> 2)"));
            assertEquals("0", single(sql, "SELECT count(*) FROM batches WHERE batch NOT IN (SELECT batch FROM pairs)"));
            assertTrue(batches >= PREFILLED_BATCHES + 20, "the dump holds what was committed before it began");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"wal", "delete"})
    void dumpIsOneConsistentSnapshotWhileAnotherProcessWrites(String journalMode) throws Exception {
        Path source = dir.resolve("shared.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + source); Statement sql = connection.createStatement()) {
            sql.execute("PRAGMA journal_mode=" + journalMode);
            sql.execute("CREATE TABLE pairs(id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, padding TEXT)");
            sql.execute("CREATE TABLE filler(x)");
            sql.execute("CREATE TABLE batches(batch INTEGER PRIMARY KEY)");
            sql.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + PREFILLED_BATCHES + ")"
                    + " INSERT INTO pairs(batch, padding) SELECT i, 'first' FROM n UNION ALL SELECT i, 'second' FROM n");
            sql.execute("INSERT INTO batches SELECT DISTINCT batch FROM pairs");
            sql.execute("INSERT INTO filler SELECT zeroblob(100) FROM pairs");
        }
        // the stock sqlite3 shell is the other process; it commits one batch per transaction for as long as we feed it
        Process writer = new ProcessBuilder("sqlite3", "-bail", source.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("writer.err").toFile()).start();
        AtomicBoolean stop = new AtomicBoolean();
        Thread feeder = new Thread(() -> {
            try (OutputStream in = writer.getOutputStream()) {
                in.write(".timeout 60000\nPRAGMA synchronous=OFF;\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                for (int b = PREFILLED_BATCHES + 1; !stop.get(); b++) {
                    in.write(("BEGIN IMMEDIATE; INSERT INTO pairs(batch, padding) VALUES(" + b + ", 'first'), (" + b + ", 'second');"
                            + " INSERT INTO batches VALUES(" + b + "); COMMIT;\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the writer ended; its exit code tells why
            }
        });
        feeder.start();
        Path dumpFile = dir.resolve("shared.sql");
        DumpResult result;
        try {
            waitForBatches(source, PREFILLED_BATCHES + 50);
            try (OutputStream out = new SlowOutputStream(Files.newOutputStream(dumpFile), 20)) {
                result = new SqliteEngine().dump(url(source), DumpOptions.defaults(), out);
            }
        } finally {
            stop.set(true);
            feeder.join();
            writer.waitFor();
        }
        assertEquals(0, writer.exitValue(), "sqlite3 writer: " + Files.readString(dir.resolve("writer.err")));

        Path restored = dir.resolve("restored.db");
        try (RestoreSession session = new SqliteEngine().beginRestore(url(restored), RestoreOptions.defaults());
             InputStream in = Files.newInputStream(dumpFile)) {
            session.apply(in);
            assertEquals(result.tableRows(), session.rowCounts());
            session.commit();
        }
        long finalBatches;
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + source); Statement sql = connection.createStatement()) {
            finalBatches = Long.parseLong(single(sql, "SELECT count(*) FROM batches"));
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + restored); Statement sql = connection.createStatement()) {
            long pairs = Long.parseLong(single(sql, "SELECT count(*) FROM pairs"));
            long batches = Long.parseLong(single(sql, "SELECT count(*) FROM batches"));
            assertEquals(pairs / 2, batches, "batches and pairs come from the same moment");
            assertEquals(0, pairs % 2, "pairs are written two at a time");
            assertEquals("0", single(sql, "SELECT count(*) FROM (SELECT batch FROM pairs GROUP BY batch HAVING count(*) <> 2)"));
            assertTrue(batches >= PREFILLED_BATCHES + 50, "the dump holds what was committed before it began");
            assertTrue(finalBatches > batches, "the writer went on committing after the snapshot was taken");
        }
    }

    private static void waitForBatches(Path source, long wanted) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + source); Statement sql = connection.createStatement()) {
                sql.execute("PRAGMA busy_timeout=10000");
                if (Long.parseLong(single(sql, "SELECT count(*) FROM batches")) >= wanted) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the sqlite3 writer did not commit " + wanted + " batches within a minute");
    }

    private static void insertBatch(PreparedStatement pair, PreparedStatement batch, int number) throws SQLException {
        for (int i = 0; i < 2; i++) {
            pair.setInt(1, number);
            pair.setString(2, "row " + i + " of batch " + number);
            pair.executeUpdate();
        }
        batch.setInt(1, number);
        batch.executeUpdate();
    }

    private static String single(Statement sql, String query) throws SQLException {
        try (ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static DatabaseUrl url(Path file) {
        return DatabaseUrl.parse("sqlite:///" + file.toAbsolutePath());
    }
}
