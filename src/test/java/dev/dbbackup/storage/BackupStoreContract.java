package dev.dbbackup.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link BackupStore} must have; each store's test class extends this. */
public abstract class BackupStoreContract {

    protected abstract BackupStore store() throws Exception;

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
}
