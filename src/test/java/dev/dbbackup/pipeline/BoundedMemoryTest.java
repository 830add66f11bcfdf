package dev.dbbackup.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpResult;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams far more SQL than the heap holds through the write and read halves of the pipeline in a
 * forked JVM with a 32 MB heap: it only passes if nothing keeps the dump, a table or the file whole.
 * (bench/run.sh shows the same for whole backups and restores via peak RSS.)
 */
class BoundedMemoryTest {

    private static final long SQL_BYTES = 256L << 20;

    @TempDir
    Path dir;

    @Test
    void quarterGigabyteThroughGzipAndZstdIn32MegabytesOfHeap() throws Exception {
        for (String compression : new String[] {"gzip:1", "zstd:1"}) {
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx32m", "-XX:+UseSerialGC", "-cp", classPath,
                    Probe.class.getName(), compression, dir.resolve("probe" + compression.charAt(0)).toString(), Long.toString(SQL_BYTES)));
            Path log = dir.resolve("probe.log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(process.waitFor(300, TimeUnit.SECONDS), "the probe finished in time");
            String output = Files.readString(log);
            assertEquals(0, process.exitValue(), compression + " probe failed:\n" + output);
            assertTrue(output.contains("ok " + SQL_BYTES), output);
        }
    }

    /** Runs in the forked JVM: writes a generated dump through DumpWriter to a file, then reads it back through DumpReader. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            Compression compression = Compression.parse(args[0]);
            Path file = Path.of(args[1]);
            long size = Long.parseLong(args[2]);
            byte[] line = "INSERT INTO t VALUES(123456,'some text that repeats a lot',3.25,'2024-01-01T00:00:00Z');\n"
                    .getBytes(StandardCharsets.UTF_8);
            DumpWriter.Written written;
            try (OutputStream sink = new BufferedOutputStream(Files.newOutputStream(file))) {
                written = DumpWriter.write(sink, compression, out -> {
                    long left = size - DumpMarkers.END_OF_DUMP.length() - 2;
                    byte[] chunk = new byte[line.length * 1000];
                    for (int i = 0; i < 1000; i++) {
                        System.arraycopy(line, 0, chunk, i * line.length, line.length);
                    }
                    while (left > 0) {
                        int n = (int) Math.min(chunk.length, left);
                        out.write(chunk, 0, n);
                        left -= n;
                    }
                    out.write(("\n" + DumpMarkers.END_OF_DUMP + "\n").getBytes(StandardCharsets.UTF_8));
                    return new DumpResult("x", "x", Map.of());
                });
            }
            long read = 0;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                 DumpReader reader = new DumpReader(in, compression)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = reader.plain().read(buffer)) >= 0; ) {
                    read += n;
                }
                reader.drain();
                if (!reader.plainSha256().equals(written.plainSha256()) || !DumpMarkers.END_OF_DUMP.equals(reader.lastLine())) {
                    throw new IllegalStateException("read back differs from what was written");
                }
            }
            System.out.println("ok " + read + " (max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB)");
        }
    }
}
