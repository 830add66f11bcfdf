package dev.dbbackup.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link BackupStore} must have; each store's test class extends this. */
public abstract class BackupStoreContract {

    protected abstract BackupStore store() throws Exception;

    /** Bytes that count as a large object for this store (object stores: several multipart parts). */
    protected long largeObjectSize() {
        return 12L * 1024 * 1024 + 12345;
    }

    /** Writes {@code size} pseudo-random bytes (seeded) in uneven chunks and returns their SHA-256. */
    protected static String writePseudoRandom(OutputStream out, long size, long seed) throws IOException {
        Random random = new Random(seed);
        MessageDigest digest = sha256();
        byte[] chunk = new byte[70_001];
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(left, 1 + random.nextInt(chunk.length));
            random.nextBytes(chunk);
            out.write(chunk, 0, n);
            digest.update(chunk, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    protected static String sha256Of(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCommittedObjectCanBeListedStatReadAndDeleted() throws Exception {
        BackupStore store = store();
        try (BackupStore.PendingObject pending = store.create()) {
            pending.output().write("hello".getBytes(StandardCharsets.UTF_8));
            pending.commit("daily/a.sql.gz");
        }
        assertEquals(List.of("daily/a.sql.gz"), store.list("").stream().map(BackupStore.StoredObject::key).toList());
        assertEquals(5, store.stat("daily/a.sql.gz").orElseThrow().size());
        try (InputStream in = store.open("daily/a.sql.gz")) {
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
        }
        store.delete("daily/a.sql.gz");
        assertTrue(store.list("").isEmpty());
        assertTrue(store.stat("daily/a.sql.gz").isEmpty());
    }

    @Test
    void anUncommittedObjectLeavesNothingBehind() throws Exception {
        BackupStore store = store();
        try (BackupStore.PendingObject pending = store.create()) {
            pending.output().write(new byte[100_000]);
        }
        assertTrue(store.list("").isEmpty(), "nothing visible after an abort");
    }

    @Test
    void commitNeverReplacesAnExistingObject() throws Exception {
        BackupStore store = store();
        try (BackupStore.PendingObject first = store.create()) {
            first.output().write("first".getBytes(StandardCharsets.UTF_8));
            first.commit("daily/same.sql.gz");
        }
        try (BackupStore.PendingObject second = store.create()) {
            second.output().write("second".getBytes(StandardCharsets.UTF_8));
            assertThrows(FileAlreadyExistsException.class, () -> second.commit("daily/same.sql.gz"));
            second.commit("daily/same_1.sql.gz");
        }
        try (InputStream in = store.open("daily/same.sql.gz")) {
            assertEquals("first", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(2, store.list("daily/").size());
    }

    @Test
    void smallObjectsAreReplacedAtomically() throws Exception {
        BackupStore store = store();
        store.writeSmall("daily/a.json", "{\"v\":1}".getBytes(StandardCharsets.UTF_8));
        store.writeSmall("daily/a.json", "{\"v\":2}".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"v\":2}", new String(store.readSmall("daily/a.json"), StandardCharsets.UTF_8));
        assertEquals(1, store.list("").size());
    }

    @Test
    void aLargeObjectRoundTripsByteForByte() throws Exception {
        BackupStore store = store();
        String written;
        try (BackupStore.PendingObject pending = store.create("monthly/large.sql.gz")) {
            written = writePseudoRandom(pending.output(), largeObjectSize(), 42);
            pending.commit("monthly/large.sql.gz");
        }
        assertEquals(largeObjectSize(), store.stat("monthly/large.sql.gz").orElseThrow().size());
        try (InputStream in = store.open("monthly/large.sql.gz")) {
            assertEquals(written, sha256Of(in));
        }
    }

    @Test
    void aLargeUncommittedObjectLeavesNothingBehind() throws Exception {
        BackupStore store = store();
        try (BackupStore.PendingObject pending = store.create("daily/abandoned.sql.gz")) {
            writePseudoRandom(pending.output(), largeObjectSize(), 7);
        }
        assertTrue(store.list("").isEmpty(), "nothing visible after an abort");
        assertTrue(store.stat("daily/abandoned.sql.gz").isEmpty());
    }

    @Test
    void aLargeObjectCanBeCommittedUnderAnotherKeyWhenTheIntendedOneIsTaken() throws Exception {
        BackupStore store = store();
        try (BackupStore.PendingObject first = store.create("daily/b.sql.gz")) {
            first.output().write("first".getBytes(StandardCharsets.UTF_8));
            first.commit("daily/b.sql.gz");
        }
        String written;
        try (BackupStore.PendingObject second = store.create("daily/b.sql.gz")) {
            written = writePseudoRandom(second.output(), largeObjectSize(), 3);
            assertThrows(FileAlreadyExistsException.class, () -> second.commit("daily/b.sql.gz"));
            second.commit("daily/b_1.sql.gz");
        }
        assertEquals(List.of("daily/b.sql.gz", "daily/b_1.sql.gz"), store.list("").stream().map(BackupStore.StoredObject::key).toList());
        try (InputStream in = store.open("daily/b_1.sql.gz")) {
            assertEquals(written, sha256Of(in));
        }
        try (InputStream in = store.open("daily/b.sql.gz")) {
            assertEquals("first", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void listReturnsOnlyKeysUnderThePrefixInKeyOrder() throws Exception {
        BackupStore store = store();
        for (String key : List.of("weekly/w.sql.gz", "daily/z.sql.gz", "daily/a.sql.gz", "daily/a.sql.gz.json")) {
            try (BackupStore.PendingObject pending = store.create(key)) {
                pending.output().write(key.getBytes(StandardCharsets.UTF_8));
                pending.commit(key);
            }
        }
        assertEquals(List.of("daily/a.sql.gz", "daily/a.sql.gz.json", "daily/z.sql.gz"),
                store.list("daily/").stream().map(BackupStore.StoredObject::key).toList());
        assertEquals(4, store.list("").size());
    }

    @Test
    void missingKeysAreReportedAsMissing() throws Exception {
        BackupStore store = store();
        assertTrue(store.stat("daily/none.sql.gz").isEmpty());
        assertThrows(NoSuchFileException.class, () -> store.open("daily/none.sql.gz").close());
        store.delete("daily/none.sql.gz");
        assertTrue(store.list("").isEmpty());
    }
}
