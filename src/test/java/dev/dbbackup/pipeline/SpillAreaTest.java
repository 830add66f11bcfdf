package dev.dbbackup.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.ReadAheadSpace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk space --jobs reads ahead into: bounded, in order, never readable or left behind, and checked on the way back. */
class SpillAreaTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    private static byte[] record(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] readAll(ReadAheadSpace.Segment segment) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[16];
        int[] length = new int[1];
        byte[] rows;
        while ((rows = segment.next(buffer, length)) != null) {
            buffer = rows;
            all.write(rows, 0, length[0]);
        }
        return all.toByteArray();
    }

    /** The spill file, which has no name any more: found through this process's open descriptors (Linux). */
    private Path openSpillFile() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(dir.toString()) && target.contains(".spill")) {
                        return fd;
                    }
                } catch (IOException ignored) {
                    // a descriptor closed meanwhile
                }
            }
        }
        throw new AssertionError("no open spill file under " + dir);
    }

    @Test
    void aReaderFollowingAWriterGetsEveryByteInOrderAndNothingStaysOnDisk() throws Exception {
        SpillArea area = SpillArea.create(dir, 64L * MB);
        assertNotNull(area);
        ReadAheadSpace.Segment segment = area.open(65536);
        assertNotNull(segment);
        assertEquals(0, Files.list(dir).count(), "the spill file has no name: a killed run leaves nothing behind");

        Random random = new Random(42);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[][] records = new byte[300][];
        for (int i = 0; i < records.length; i++) {
            records[i] = record(random, 1 + random.nextInt(65536));
            expected.write(records[i]);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (byte[] r : records) {
                    assertTrue(segment.append(r, r.length));
                    if (r.length % 7 == 0) {
                        Thread.sleep(1);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                segment.seal();
            }
        });
        writer.start();
        byte[] read = readAll(segment);
        writer.join();
        assertNull(failure.get());
        assertArrayEquals(expected.toByteArray(), read);
        assertTrue(area.peak() > expected.size(), "records are counted with their headers");

        segment.close();
        assertEquals(0, Files.list(dir).count());
        assertNotNull(area.open(65536), "closing gave the space back");
    }

    @Test
    void theAreaNeverHoldsMoreThanItsLimit() throws Exception {
        SpillArea area = SpillArea.create(dir, 2L * MB);
        assertNotNull(area);
        byte[] chunk = new byte[65536];
        ReadAheadSpace.Segment first = area.open(chunk.length);
        int accepted = 0;
        while (first.append(chunk, chunk.length)) {
            accepted++;
        }
        assertEquals(31, accepted, "2 MiB holds 31 records of 64 KiB with their headers");
        assertNull(area.open(chunk.length), "no new segment while the area is full");
        assertTrue(area.peak() <= area.limit());
        assertNull(area.failure(), "a full area is not a failure: the worker waits for the writer");

        first.seal();
        assertEquals(accepted * chunk.length, readAll(first).length);
        first.close();
        ReadAheadSpace.Segment second = area.open(chunk.length);
        assertNotNull(second);
        assertTrue(second.append(chunk, chunk.length));
        second.close();
    }

    @Test
    void rowsAreNotReadableOnDisk() throws Exception {
        SpillArea area = SpillArea.create(dir, 8L * MB);
        ReadAheadSpace.Segment segment = area.open(1000);
        byte[] secret = "4111-1111-1111-1111 card number of customer 17\n".repeat(20).getBytes(StandardCharsets.UTF_8);
        assertTrue(segment.append(secret, secret.length));
        byte[] onDisk = Files.readAllBytes(openSpillFile());
        assertTrue(onDisk.length > secret.length);
        assertFalse(new String(onDisk, StandardCharsets.ISO_8859_1).contains("4111-1111"), "spilled rows are encrypted");
        segment.close();
    }

    @Test
    void aRecordChangedOnDiskFailsTheReadInsteadOfEnteringTheBackup() throws Exception {
        SpillArea area = SpillArea.create(dir, 8L * MB);
        ReadAheadSpace.Segment segment = area.open(4096);
        byte[] rows = "1\tAlice\n2\tBob\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        assertTrue(segment.append(rows, rows.length));
        assertTrue(segment.append(rows, rows.length));
        segment.seal();
        try (RandomAccessFile file = new RandomAccessFile(openSpillFile().toFile(), "rw")) {
            long position = file.length() - 100;
            file.seek(position);
            int b = file.read();
            file.seek(position);
            file.write(b ^ 1);
        }
        byte[] buffer = new byte[0];
        int[] length = new int[1];
        assertNotNull(segment.next(buffer, length), "the first record is intact");
        IOException e = assertThrows(IOException.class, () -> segment.next(buffer, length));
        assertTrue(e.getMessage().contains("came back changed"), e.getMessage());
        segment.close();
    }

    @Test
    void noAreaWithoutRoomOrDirectory() {
        assertNull(SpillArea.create(dir, MB / 2), "less than 1 MiB is not worth spilling");
        assertNull(SpillArea.create(dir.resolve("missing"), 64L * MB));
    }

    @Test
    void aSpillFileThatCannotBeCreatedMeansNoSegmentAndAReason() throws Exception {
        Path gone = dir.resolve("gone");
        Files.createDirectory(gone);
        SpillArea area = SpillArea.create(gone, 64L * MB);
        assertNotNull(area);
        Files.delete(gone);
        assertNull(area.open(100));
        assertNotNull(area.failure());
        assertTrue(area.failure().contains(gone.toString()), area.failure());
    }
}
