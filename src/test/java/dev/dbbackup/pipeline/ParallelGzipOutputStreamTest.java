package dev.dbbackup.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ParallelGzipOutputStreamTest {

    /** Small blocks, so the tests cross many block boundaries cheaply; one test uses the real size. */
    private static final int BLOCK = 128 * 1024;

    @TempDir
    Path dir;

    static Stream<Arguments> inputs() {
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("one byte", new byte[] {'x'}),
                Arguments.of("exactly one block of SQL", sql(BLOCK)),
                Arguments.of("one block and one byte of SQL", sql(BLOCK + 1)),
                Arguments.of("many blocks of SQL", sql(37 * BLOCK + 4711)),
                Arguments.of("exactly one block of random bytes", random(BLOCK, 1)),
                Arguments.of("many blocks of random bytes", random(9 * BLOCK + 17, 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void outputIsOneGzipStreamThatJavaAndStockGunzipRead(String name, byte[] input) throws Exception {
        for (int threads : new int[] {1, 2, 3}) {
            byte[] gz = compress(input, 6, threads, 8191);
            assertArrayEquals(input, gunzipInJava(gz), name + " on " + threads + " threads (GZIPInputStream)");
            Path file = dir.resolve("t" + threads + ".sql.gz");
            Files.write(file, gz);
            Path out = dir.resolve("t" + threads + ".sql");
            StockTools.Result result = StockTools.run(file, out, "gunzip", "-c");
            assertEquals(0, result.exitCode(), "gunzip -c on " + name + ": " + result.stderr());
            assertArrayEquals(input, Files.readAllBytes(out), name + " on " + threads + " threads (gunzip -c)");
            StockTools.Result test = StockTools.run(file, null, "gunzip", "-t");
            assertEquals(0, test.exitCode(), "gunzip -t on " + name + ": " + test.stderr());
        }
    }

    @Test
    void everyLevelRoundTripsAndHigherLevelsAreSmaller() throws Exception {
        byte[] input = sql(12 * BLOCK);
        int previous = Integer.MAX_VALUE;
        for (int level : new int[] {1, 6, 9}) {
            byte[] gz = compress(input, level, 2, 65536);
            assertArrayEquals(input, gunzipInJava(gz), "level " + level);
            assertTrue(gz.length <= previous, "level " + level + " gave " + gz.length + " bytes, more than the level below (" + previous + ")");
            previous = gz.length;
        }
    }

    @Test
    void ratioStaysWithinOnePercentOfSingleThreadedGzipThanksToTheDictionary() throws Exception {
        byte[] input = sql(40 * BLOCK);
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(serial)) {
            gzip.write(input);
        }
        byte[] parallel = compress(input, 6, 2, 65536);
        assertTrue(parallel.length <= serial.size() * 1.01,
                "parallel gzip " + parallel.length + " bytes vs single-threaded " + serial.size());
    }

    @Test
    void byteAtATimeWritesGiveTheSameStream() throws Exception {
        byte[] input = sql(BLOCK + 300);
        byte[] bulk = compress(input, 6, 2, input.length);
        ByteArrayOutputStream single = new ByteArrayOutputStream();
        try (OutputStream gzip = new ParallelGzipOutputStream(single, 6, 2, BLOCK)) {
            for (byte b : input) {
                gzip.write(b);
            }
        }
        assertArrayEquals(bulk, single.toByteArray(), "output must not depend on how the input was cut");
        assertArrayEquals(input, gunzipInJava(single.toByteArray()));
    }

    @Test
    void fullSizeBlocksOnAnyNumberOfThreadsGiveOneStreamStockGunzipReads() throws Exception {
        byte[] input = sql(3 * ParallelGzipOutputStream.BLOCK_SIZE + 12345);
        byte[] first = null;
        for (int threads : new int[] {1, 2, 16, 40}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream gzip = new ParallelGzipOutputStream(out, 6, threads)) {
                gzip.write(input);
            }
            byte[] gz = out.toByteArray();
            if (first == null) {
                first = gz;
            }
            assertArrayEquals(first, gz, "the file must not depend on the number of threads (" + threads + ")");
            Path file = dir.resolve("full" + threads + ".sql.gz");
            Files.write(file, gz);
            Path plain = dir.resolve("full" + threads + ".sql");
            StockTools.Result result = StockTools.run(file, plain, "gunzip", "-c");
            assertEquals(0, result.exitCode(), "gunzip -c: " + result.stderr());
            assertArrayEquals(input, Files.readAllBytes(plain), "gunzip -c on " + threads + " threads");
        }
    }

    @Test
    void headerCarriesNoTimeSoEqualInputGivesEqualFiles() throws Exception {
        byte[] input = sql(3 * BLOCK);
        assertArrayEquals(compress(input, 6, 1, 999), compress(input, 6, 3, 70000));
    }

    @Test
    void closeClosesTheSinkAndDiscardStopsTheWorkers() throws Exception {
        boolean[] closed = new boolean[1];
        OutputStream sink = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        new ParallelGzipOutputStream(sink, 1, 2).close();
        assertTrue(closed[0], "closing the gzip stream closes the file under it");

        // threads of streams other tests closed may still be ending: only the new ones must all be gone
        java.util.Set<Thread> before = gzipThreads();
        ParallelGzipOutputStream abandoned = new ParallelGzipOutputStream(new ByteArrayOutputStream(), 1, 4);
        abandoned.write(sql(10 * BLOCK));
        abandoned.discard();
        long deadline = System.currentTimeMillis() + 5000;
        while (!before.containsAll(gzipThreads()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        java.util.Set<Thread> left = gzipThreads();
        left.removeAll(before);
        assertEquals(java.util.Set.of(), left, "a discarded stream leaves no compression thread behind");
    }

    @Test
    void writingAfterCloseFails() throws Exception {
        ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(new ByteArrayOutputStream(), 6, 1);
        gzip.close();
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> gzip.write(1));
        assertTrue(e.getMessage().contains("closed"));
    }

    private static java.util.Set<Thread> gzipThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("gzip-") && t.isAlive())
                .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }

    static byte[] compress(byte[] input, int level, int threads, int writeSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new ParallelGzipOutputStream(out, level, threads, BLOCK)) {
            for (int off = 0; off < input.length; off += writeSize) {
                gzip.write(input, off, Math.min(writeSize, input.length - off));
            }
        }
        return out.toByteArray();
    }

    static byte[] gunzipInJava(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    /** Dump-like text: INSERT lines with varied numbers, words and timestamps. */
    static byte[] sql(int size) {
        StringBuilder text = new StringBuilder(size + 200);
        Random random = new Random(42);
        String[] words = {"alpha", "beta", "gamma", "delta", "O''Brien", "zürich", "naïve", "NULL", "x'00ff'", "🙂"};
        long row = 0;
        while (text.length() < size) {
            text.append("INSERT INTO \"orders\" VALUES(").append(row++).append(',').append(random.nextInt(100000)).append(",'")
                    .append(words[random.nextInt(words.length)]).append(' ').append(words[random.nextInt(words.length)])
                    .append("',").append(random.nextDouble()).append(",'2024-0").append(1 + random.nextInt(9)).append("-1")
                    .append(random.nextInt(10)).append("T12:00:00Z');\n");
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(bytes, size);
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
