package dev.dbbackup.storage.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteBehindTest {

    @TempDir
    Path dir;

    @Test
    void theFileIsFlushedToDiskWhileItIsWrittenAndHoldsEveryByte() throws IOException {
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        Path file = dir.resolve("f");
        AtomicInteger flushed = new AtomicInteger();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            WriteBehind out = new WriteBehind(channel, 256 << 10, () -> {
                channel.force(false);
                flushed.incrementAndGet();
            });
            for (int offset = 0; offset < data.length; offset += 65536) {
                out.write(data, offset, 65536);
            }
            out.write(42);
            out.finish();
            assertTrue(out.flushes() >= 1, "at least one flush ran in the background");
            assertEquals(out.flushes(), flushed.get(), "every flush started was waited for");
        }
        byte[] expected = java.util.Arrays.copyOf(data, data.length + 1);
        expected[data.length] = 42;
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void aBackgroundFlushThatFailedFailsTheFinishEvenWhenTheLastFlushSucceeds() throws IOException {
        Path file = dir.resolve("f");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            WriteBehind out = new WriteBehind(channel, 1024, () -> {
                throw new IOException("Input/output error");
            });
            out.write(new byte[4096], 0, 4096);
            IOException e = assertThrows(IOException.class, out::finish);
            assertEquals("writing the backup file to disk failed: Input/output error", e.getMessage());
        }
    }

    @Test
    void aSmallFileStartsNoBackgroundFlush() throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            WriteBehind out = new WriteBehind(channel);
            out.write(new byte[1000], 0, 1000);
            out.finish();
            assertEquals(0, out.flushes());
            assertEquals(1000, channel.size());
        }
    }
}
