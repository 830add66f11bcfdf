package dev.dbbackup.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class DumpReaderTest {

    private static final DumpResult RESULT = new DumpResult("3.46", "app.db", Map.of("orders", 1L));

    @Test
    void sumsAndEndMarkerMatchWhatTheWriterRecordedForGzipAndZstd() throws Exception {
        byte[] sql = dump(5_000_000);
        for (Compression compression : new Compression[] {Compression.gzip(6), Compression.zstd(3)}) {
            ByteArrayOutputStream stored = new ByteArrayOutputStream();
            DumpWriter.Written written = DumpWriter.write(stored, compression, out -> {
                out.write(sql);
                return RESULT;
            });
            TransferMeter meter = new TransferMeter();
            try (DumpReader reader = new DumpReader(new ByteArrayInputStream(stored.toByteArray()), compression, meter)) {
                assertArrayEquals(sql, reader.plain().readAllBytes(), compression.toString());
                reader.drain();
                assertEquals(written.plainSha256(), reader.plainSha256());
                assertEquals(written.plainBytes(), reader.plainBytes());
                assertEquals(written.storedSha256(), reader.storedSha256());
                assertEquals(written.storedBytes(), reader.storedBytes());
                assertEquals(DumpMarkers.END_OF_DUMP, reader.lastLine());
                assertEquals(sql.length, meter.plainBytes(), "the meter saw every plain byte");
            }
        }
    }

    @Test
    void decompressionRunsOnItsOwnThread() throws Exception {
        byte[] stored = CompressionTest.compress(Compression.gzip(6), dump(1_000_000));
        Set<String> readers = ConcurrentHashMap.newKeySet();
        InputStream recording = new FilterInputStream(new ByteArrayInputStream(stored)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                readers.add(Thread.currentThread().getName());
                return super.read(b, off, len);
            }
        };
        try (DumpReader reader = new DumpReader(recording, Compression.gzip(6))) {
            reader.plain().readAllBytes();
        }
        assertEquals(Set.of("restore-decompress"), readers);
    }

    @Test
    void readAheadIsBoundedWhileTheDatabaseIsSlow() throws Exception {
        byte[] sql = dump(30_000_000);
        byte[] stored = CompressionTest.compress(Compression.gzip(1), sql);
        TransferMeter meter = new TransferMeter();
        try (DumpReader reader = new DumpReader(new ByteArrayInputStream(stored), Compression.gzip(1), meter)) {
            assertEquals(sql[0], (byte) reader.plain().read());
            Thread.sleep(500);
            assertTrue(meter.plainBytes() <= 18L * 65536, "decompressed ahead: " + meter.plainBytes() + " bytes");
            assertTrue(meter.plainBytes() > 65536, "the decompressor works ahead of the reader");
        }
    }

    @Test
    void aCorruptFileFailsTheReadAndItsStoredChecksumStillCoversTheWholeFile() throws Exception {
        byte[] stored = CompressionTest.compress(Compression.gzip(6), ParallelGzipOutputStreamTest.random(2_000_000, 9));
        stored[stored.length / 2] ^= 0x55;
        try (DumpReader reader = new DumpReader(new ByteArrayInputStream(stored), Compression.gzip(6))) {
            IOException e = assertThrows(IOException.class, reader::drain);
            assertThrows(IOException.class, () -> reader.plain().read(), "the failure is reported again, never taken for the end");
            reader.drainStored();
            assertEquals(stored.length, reader.storedBytes());
            assertEquals(sha256(stored), reader.storedSha256());
            assertFalse(e.getMessage() == null || e.getMessage().isBlank());
        }
    }

    @Test
    void closingEarlyStopsTheThreadAndClosesTheFile() throws Exception {
        byte[] stored = CompressionTest.compress(Compression.zstd(1), dump(20_000_000));
        boolean[] closed = new boolean[1];
        InputStream file = new ByteArrayInputStream(stored) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        DumpReader reader = new DumpReader(file, Compression.zstd(1));
        reader.plain().readNBytes(100_000);
        reader.close();
        assertTrue(closed[0], "the stored file is closed");
        long deadline = System.currentTimeMillis() + 5000;
        while (decompressThreads() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, decompressThreads(), "no decompression thread is left running");
        assertThrows(IOException.class, () -> reader.plain().read());
    }

    @Test
    void plainSqlFilesAreReadAsTheyAre() throws Exception {
        byte[] sql = dump(200_000);
        try (DumpReader reader = new DumpReader(new ByteArrayInputStream(sql), Compression.forFileName("dump.sql"))) {
            assertArrayEquals(sql, reader.plain().readAllBytes());
            reader.drain();
            assertEquals(reader.storedSha256(), sha256(sql));
        }
    }

    private static long decompressThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("restore-decompress") && t.isAlive()).count();
    }

    static byte[] dump(int size) {
        byte[] body = ParallelGzipOutputStreamTest.sql(size);
        byte[] end = ("\n" + DumpMarkers.END_OF_DUMP + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(body, body.length + end.length);
        System.arraycopy(end, 0, all, body.length, end.length);
        return all;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
