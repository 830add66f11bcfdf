package dev.dbbackup.engine.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class StatementReaderTest {

    /** An endless script of row INSERTs that counts the bytes read from it. */
    private static final class EndlessInserts extends InputStream {
        private final byte[] row = "INSERT INTO t VALUES(1,'some text to make the row longer');\n".getBytes(StandardCharsets.UTF_8);
        private final AtomicLong read = new AtomicLong();
        private int position;

        @Override
        public int read() {
            read.incrementAndGet();
            byte b = row[position];
            position = (position + 1) % row.length;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            for (int i = 0; i < length; i++) {
                buffer[offset + i] = row[position];
                position = (position + 1) % row.length;
            }
            read.addAndGet(length);
            return length;
        }
    }

    @Test
    void statementsComeInScriptOrderWithTheRowsOfRowInserts() throws IOException {
        StringBuilder script = new StringBuilder("CREATE TABLE t(a, b);\n");
        for (int i = 0; i < 3000; i++) {
            script.append("INSERT INTO t VALUES(").append(i).append(", 'row ").append(i).append("');\n");
            if (i % 1000 == 0) {
                script.append("CREATE INDEX i").append(i).append(" ON t(a);\n");
            }
        }
        script.append("INSERT INTO t SELECT 1, 2;\nCOMMIT");
        List<StatementReader.Item> items = new ArrayList<>();
        try (StatementReader reader = new StatementReader(new ByteArrayInputStream(script.toString().getBytes(StandardCharsets.UTF_8)))) {
            StatementReader.Item item;
            while ((item = reader.next()) != null) {
                items.add(item);
            }
            assertNull(reader.next(), "the end stays the end");
        }
        assertEquals(1 + 3000 + 3 + 2, items.size());
        assertEquals("CREATE TABLE t(a, b);", items.get(0).statement().sql());
        assertNull(items.get(0).row());
        assertEquals("INSERT INTO t VALUES(0, 'row 0');", items.get(1).statement().sql());
        assertEquals(List.of(0L, "row 0"), List.of(items.get(1).row().values()));
        assertEquals("CREATE INDEX i0 ON t(a);", items.get(2).statement().sql());
        assertEquals(List.of(2999L, "row 2999"), List.of(items.get(3003).row().values()));
        assertEquals(3004, items.get(3003).statement().line());
        assertNull(items.get(3004).row(), "INSERT ... SELECT is no row insert");
        assertEquals("COMMIT", items.get(3005).statement().sql());
        assertFalse(items.get(3005).statement().terminated());
    }

    @Test
    void aReadFailureSurfacesInOrderAndEndsTheScript() throws IOException {
        IOException broken = new IOException("the backup file is damaged");
        InputStream failing = new InputStream() {
            private final byte[] start = "CREATE TABLE t(a);\nINSERT INTO t VALUES(1);\nINSERT INTO t VAL".getBytes(StandardCharsets.UTF_8);
            private int position;

            @Override
            public int read() throws IOException {
                if (position == start.length) {
                    throw broken;
                }
                return start[position++];
            }
        };
        List<String> before = new ArrayList<>();
        try (StatementReader reader = new StatementReader(failing)) {
            IOException failure = assertThrows(IOException.class, () -> {
                StatementReader.Item item;
                while ((item = reader.next()) != null) {
                    before.add(item.statement().sql());
                }
            });
            assertSame(broken, failure);
        }
        // statements decoded before the failure may come first, in order; nothing after it
        assertEquals(List.of("CREATE TABLE t(a);", "INSERT INTO t VALUES(1);").subList(0, before.size()), before);
    }

    @Test
    void readsOnlyABoundedStretchAheadOfTheLoad() throws Exception {
        EndlessInserts endless = new EndlessInserts();
        try (StatementReader reader = new StatementReader(endless)) {
            assertNotNull(reader.next().row());
            Thread.sleep(1000);
            long ahead = endless.read.get();
            // the chars allowed ahead, one batch being filled and the decoding buffers
            assertTrue(ahead < StatementReader.MAX_CHARS_AHEAD + (1 << 19) + (1 << 18), "read " + ahead + " bytes ahead");
            for (int i = 0; i < 200_000; i++) {
                assertNotNull(reader.next().row());
            }
            assertTrue(endless.read.get() > ahead, "reading goes on as the load takes statements");
        }
    }

    @Test
    void closeStopsTheReadingThread() throws Exception {
        EndlessInserts endless = new EndlessInserts();
        StatementReader reader = new StatementReader(endless);
        reader.next();
        long started = System.nanoTime();
        reader.close();
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "close returns promptly");
        long afterClose = endless.read.get();
        Thread.sleep(300);
        assertEquals(afterClose, endless.read.get(), "nothing is read after close");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(
                thread -> thread.getName().equals("dbbackup-sqlite-script-reader") && thread.isAlive()), "the reading thread ended");
    }
}
