package dev.dbbackup.engine.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpProgress;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.pipeline.SpillArea;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * --jobs on a large table: block ranges read over several connections, read ahead into the spill area while the
 * writer is slow, and the same bytes as one connection's COPY in the end.
 */
class ParallelTableCopyIT {

    private static final int MB = 1 << 20;

    private static PostgresServer server;
    private static String database;

    @TempDir
    Path spillDir;

    @BeforeAll
    static void createLargeTable() {
        server = PostgresServers.version(PostgresServers.newest());
        database = server.createDatabase("parallel_copy");
        server.execute(database,
                "CREATE TABLE big (id bigint PRIMARY KEY, gone int, note text, payload bytea, at timestamptz,"
                        + " twice bigint GENERATED ALWAYS AS (id * 2) STORED)",
                // ~25 MB of COPY text; every 500th row has a value large enough to be toasted.
                "INSERT INTO big (id, gone, note, payload, at) SELECT g, g, md5(g::text) || repeat('x', g % 97) || E'\\ttab\\n',"
                        + " CASE WHEN g % 500 = 0 THEN decode(repeat(md5(g::text), 400), 'hex') ELSE decode(md5(g::text), 'hex') END,"
                        + " timestamptz '2020-01-01' + g * interval '1 second' FROM generate_series(1, 120000) g",
                "ALTER TABLE big DROP COLUMN gone",
                // Holes in the heap: ranges must not lose or repeat rows around them.
                "DELETE FROM big WHERE id % 7 = 0",
                "CREATE TABLE small (id int PRIMARY KEY, name text)",
                "INSERT INTO small SELECT g, 'n' || g FROM generate_series(1, 50) g",
                "CREATE TABLE empty_one (id int)");
    }

    private static DumpObject.TableData table(String name, List<String> columns) throws SQLException {
        try (Connection c = server.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 'public." + name + "'::regclass::oid")) {
            rs.next();
            return new DumpObject.TableData(rs.getLong(1), "public", name, columns);
        }
    }

    private static List<DumpObject.TableData> tables() throws SQLException {
        return List.of(table("small", List.of("id", "name")), table("big", List.of("id", "note", "payload", "at")),
                table("empty_one", List.of("id")));
    }

    private static byte[] oneConnection(DumpObject.TableData table) throws Exception {
        try (Connection c = server.connect(database)) {
            for (String setting : PostgresDumper.sessionSettings(server.major() * 10000)) {
                try (Statement s = c.createStatement()) {
                    s.execute(setting);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.unwrap(PGConnection.class).getCopyAPI().copyOut(table.copyOutSql(), out);
            return out.toByteArray();
        }
    }

    private static List<Connection> workers(int count) throws SQLException {
        List<Connection> workers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Connection c = server.connect(database);
            for (String setting : PostgresDumper.sessionSettings(server.major() * 10000)) {
                try (Statement s = c.createStatement()) {
                    s.execute(setting);
                }
            }
            workers.add(c);
        }
        return workers;
    }

    /** A writer slower than the readers, as a compressor on few cores is: each write waits a little. */
    private static final class SlowOutput extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                Thread.sleep(3);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            bytes.write(b, off, len);
        }
    }

    /** Copies every table of {@link #tables()} in ~2 MiB parts over {@code workers} connections into a slow writer; returns the rows. */
    private static long copyAll(List<DumpObject.TableData> tables, int workers, SpillArea spill, WriterPace pace, SlowOutput out)
            throws Exception {
        long rows = 0;
        try (Connection c = server.connect(database);
             ParallelTableCopy copy = new ParallelTableCopy(tables, TableParts.plan(c, server.major() * 10000, tables, 2 * MB),
                     workers(workers), spill, pace)) {
            for (int t = 0; t < tables.size(); t++) {
                rows += copy.copy(t, out);
            }
        }
        return rows;
    }

    /** The large table's bytes in {@code out} are those of one connection's COPY. */
    private static void assertLargeTableAsOneConnection(List<DumpObject.TableData> tables, SlowOutput out) throws Exception {
        byte[] written = out.bytes.toByteArray();
        assertTrue(java.util.Arrays.equals(oneConnection(tables.get(1)),
                java.util.Arrays.copyOfRange(written, oneConnection(tables.get(0)).length, written.length)));
    }

    @Test
    void aLargeTableIsSplitIntoConsecutiveBlockRangesThatCoverItAll() throws Exception {
        List<DumpObject.TableData> tables = tables();
        try (Connection c = server.connect(database)) {
            List<ParallelTableCopy.Part> parts = TableParts.plan(c, server.major() * 10000, tables, MB);
            assertEquals(0, parts.get(0).table());
            assertEquals(tables.get(0).copyOutSql(), parts.get(0).copySql(), "a small table stays whole");
            List<ParallelTableCopy.Part> big = parts.stream().filter(p -> p.table() == 1).toList();
            assertTrue(big.size() >= 10, "the large table is read in ranges of ~1 MiB: " + big.size());
            assertTrue(big.get(0).copySql().contains("WHERE ctid < '("), big.get(0).copySql());
            assertTrue(big.get(big.size() - 1).copySql().matches(".*WHERE ctid >= '\\(\\d+,0\\)'::pg_catalog.tid\\) TO STDOUT"),
                    "the last range is open-ended: " + big.get(big.size() - 1).copySql());
            assertEquals(tables.get(2).copyOutSql(), parts.get(parts.size() - 1).copySql());

            List<ParallelTableCopy.Part> older = TableParts.plan(c, 130000, tables, MB);
            assertEquals(3, older.size(), "before PostgreSQL 14 a range would scan the whole table: tables stay whole");
        }
    }

    @Test
    void workersReadAheadOnDiskAndTheBytesAreThoseOfOneConnection() throws Exception {
        List<DumpObject.TableData> tables = tables();
        SpillArea spill = SpillArea.create(spillDir, 256L * MB);
        assertNotNull(spill);
        SlowOutput out = new SlowOutput();
        long rows = copyAll(tables, 3, spill, WriterPace.always(), out);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (DumpObject.TableData t : tables) {
            expected.write(oneConnection(t));
        }
        assertEquals(expected.size(), out.bytes.size());
        assertTrue(java.util.Arrays.equals(expected.toByteArray(), out.bytes.toByteArray()), "the same rows in the same order");
        assertEquals(50 + 120000 - 120000 / 7, rows);
        assertTrue(spill.peak() > MB, "the workers read ahead on disk: " + spill.peak());
        try (var files = Files.list(spillDir)) {
            assertEquals(0, files.count(), "nothing is left in the spill directory");
        }
    }

    @Test
    void aWriterThatIsTheBottleneckFromTheStartIsNotReadAheadOnDisk() throws Exception {
        List<DumpObject.TableData> tables = tables();
        SpillArea spill = SpillArea.create(spillDir, 256L * MB);
        SlowOutput out = new SlowOutput();
        copyAll(tables, 3, spill, new WriterPace(), out);
        assertEquals(0, spill.peak(), "reading ahead cannot speed up a writer that never waits for rows: nothing spilled");
        assertLargeTableAsOneConnection(tables, out);
    }

    @Test
    void aSmallSpillLimitIsNeverExceededAndTheWorkersThenWait() throws Exception {
        List<DumpObject.TableData> tables = tables();
        SpillArea spill = SpillArea.create(spillDir, 3L * MB);
        SlowOutput out = new SlowOutput();
        copyAll(tables, 4, spill, WriterPace.always(), out);
        assertTrue(spill.peak() > 0 && spill.peak() <= 3L * MB, "peak " + spill.peak());
        assertLargeTableAsOneConnection(tables, out);
    }

    @Test
    void aPartThatFailsFailsTheDumpNamingItsTableAndLeavesNothingOnDisk() throws Exception {
        List<DumpObject.TableData> tables = tables();
        List<ParallelTableCopy.Part> parts;
        try (Connection c = server.connect(database)) {
            parts = new ArrayList<>(TableParts.plan(c, server.major() * 10000, tables, 2 * MB));
        }
        // The last range of the large table fails on a row near its end, after the workers have spilled.
        int last = 0;
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).table() == 1) {
                last = i;
            }
        }
        String sql = parts.get(last).copySql();
        assertTrue(sql.startsWith("COPY (SELECT id, "), sql);
        parts.set(last, new ParallelTableCopy.Part(1, sql.replace("SELECT id, ", "SELECT 1 / (id - 119999) + id, ")));
        SpillArea spill = SpillArea.create(spillDir, 256L * MB);
        SlowOutput out = new SlowOutput();
        EngineException e;
        try (ParallelTableCopy copy = new ParallelTableCopy(tables, parts, workers(3), spill, WriterPace.always())) {
            copy.copy(0, out);
            e = assertThrows(EngineException.class, () -> copy.copy(1, out));
        }
        assertTrue(e.getMessage().contains("public.big") && e.getMessage().contains("division by zero"), e.getMessage());
        try (var files = Files.list(spillDir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aDumpWithJobsAndSmallPartsIsByteForByteTheDumpWithOneConnectionAndRestores() throws Exception {
        Path serial = RoundTrip.dumpFile("parallel-copy-jobs-1");
        Path parallel = RoundTrip.dumpFile("parallel-copy-jobs-4");
        DumpResult one = RoundTrip.dump(server, database, DumpOptions.defaults(), serial);
        DumpResult four = RoundTrip.dumpInParts(server, database, new DumpOptions(List.of(), List.of(), List.of(), false, false, 4,
                DumpProgress.NONE).withReadAhead(SpillArea.create(spillDir)), parallel, MB);
        assertEquals(one.tableRows(), four.tableRows());
        assertEquals(-1L, Files.mismatch(serial, parallel), "same snapshot, same bytes");

        String target = server.createDatabase("parallel_copy_back");
        RoundTrip.restore(server, target, parallel, RestoreOptions.defaults());
        assertEquals(List.of(), PostgresSnapshot.take(server, database).differences(PostgresSnapshot.take(server, target)));
    }
}
