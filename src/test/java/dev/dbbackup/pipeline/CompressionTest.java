package dev.dbbackup.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressionTest {

    @TempDir
    Path dir;

    @Test
    void zstdFilesOpenWithTheStockZstdCommand() throws Exception {
        byte[] input = ParallelGzipOutputStreamTest.sql(3_000_000);
        for (Compression zstd : new Compression[] {Compression.zstd(1), Compression.zstd(3).withThreads(1), Compression.zstd(19).withThreads(2)}) {
            Path file = dir.resolve("backup_daily_20250101_000000.sql.zst");
            Files.write(file, compress(zstd, input));
            Path out = dir.resolve("plain.sql");
            StockTools.Result result = StockTools.run(file, out, "zstd", "-d", "-c");
            assertEquals(0, result.exitCode(), "zstd -d for " + zstd + ": " + result.stderr());
            assertArrayEquals(input, Files.readAllBytes(out), "zstd -d output for " + zstd);
            StockTools.Result test = StockTools.run(file, null, "zstd", "-t");
            assertEquals(0, test.exitCode(), "zstd -t for " + zstd + ": " + test.stderr());
            assertArrayEquals(input, decompress(Compression.forFileName(file.getFileName().toString()), Files.readAllBytes(file)));
        }
    }

    @Test
    void zstdReadsWhatTheStockZstdCommandWrote() throws Exception {
        byte[] input = ParallelGzipOutputStreamTest.sql(500_000);
        Path plain = dir.resolve("dump.sql");
        Files.write(plain, input);
        Path zst = dir.resolve("dump.sql.zst");
        assertEquals(0, StockTools.run(plain, zst, "zstd", "-c", "-q").exitCode());
        assertArrayEquals(input, decompress(Compression.forFileName("dump.sql.zst"), Files.readAllBytes(zst)));
    }

    @Test
    void emptyZstdAndGzipStreamsRoundTrip() throws Exception {
        for (Compression c : new Compression[] {Compression.gzip(6), Compression.zstd(3)}) {
            assertArrayEquals(new byte[0], decompress(c, compress(c, new byte[0])), c.toString());
        }
    }

    @Test
    void aTruncatedZstdFileFailsToDecompress() throws Exception {
        byte[] zst = compress(Compression.zstd(3), ParallelGzipOutputStreamTest.random(200_000, 5));
        byte[] cut = java.util.Arrays.copyOf(zst, zst.length / 2);
        assertThrows(IOException.class, () -> decompress(Compression.zstd(3), cut));
    }

    @Test
    void fileNamesMapToTheirDecompressor() {
        assertEquals(Compression.GZIP, Compression.forFileName("daily/backup_daily_20250101_020000.sql.gz").algorithm());
        assertEquals(Compression.GZIP, Compression.forFileName("pre-restore_app.db_20250101_020000_1.sql.gz").algorithm());
        assertEquals(Compression.ZSTD, Compression.forFileName("backup_weekly_20250105_020000.sql.zst").algorithm());
        assertEquals(Compression.ZSTD, Compression.forFileName("BACKUP.SQL.ZST").algorithm());
        assertEquals(Compression.NONE, Compression.forFileName("dump.sql").algorithm());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compression.forFileName("backup.tar.bz2"));
        assertTrue(e.getMessage().contains("backup.tar.bz2") && e.getMessage().contains(".sql.zst"), e.getMessage());
    }

    @Test
    void suffixesMatchTheNamesThatMapBack() {
        for (Compression c : new Compression[] {Compression.gzip(1), Compression.zstd(19)}) {
            assertEquals(c.algorithm(), Compression.forFileName("x.sql" + c.suffix()).algorithm());
        }
    }

    @Test
    void specsParseWithDefaultsAndRangesAndPrintAsTheManifestRecordsThem() {
        assertEquals("gzip:6", Compression.parse("gzip").toString());
        assertEquals("gzip:1", Compression.parse(" GZIP:1 ").toString());
        assertEquals("gzip:9", Compression.parse("gzip:9").toString());
        assertEquals("zstd:3", Compression.parse("zstd").toString());
        assertEquals("zstd:19", Compression.parse("zstd:19").toString());
        assertEquals("gzip:6", Compression.defaultCompression().toString());
        for (String bad : new String[] {"gzip:0", "gzip:10", "zstd:0", "zstd:20", "zstd:fast", "lz4", "", "gzip:"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compression.parse(bad), bad);
            assertTrue(e.getMessage().contains("gzip:1..9") || e.getMessage().contains("zstd:1..19"), e.getMessage());
        }
    }

    @Test
    void threadsDefaultToEveryCore() {
        assertEquals(Runtime.getRuntime().availableProcessors(), Compression.gzip(6).effectiveThreads());
        assertEquals(1, Compression.gzip(6).withThreads(1).effectiveThreads());
        assertThrows(IllegalArgumentException.class, () -> Compression.gzip(6).withThreads(-1));
    }

    @Test
    void discardingAZstdCompressorNeverThrows() throws Exception {
        OutputStream zstd = Compression.zstd(3).compress(new ByteArrayOutputStream());
        zstd.write(new byte[1000]);
        Compression.discard(zstd);
        Compression.discard(zstd);
    }

    static byte[] compress(Compression compression, byte[] input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream c = compression.compress(out)) {
            c.write(input);
        }
        return out.toByteArray();
    }

    static byte[] decompress(Compression compression, byte[] stored) throws IOException {
        try (InputStream in = compression.decompress(new ByteArrayInputStream(stored))) {
            return in.readAllBytes();
        }
    }
}
