package dev.dbbackup.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where backup files and their manifests live. Keys are '/'-separated relative names such as
 * {@code daily/backup_daily_20251103_020000.sql.gz}. Storage knows nothing of SQL or compression.
 */
public interface BackupStore {

    /** Starts writing a new object; nothing is visible under any key until {@link PendingObject#commit(String)}. */
    PendingObject create() throws IOException;

    /**
     * Starts writing a new object that will most likely be committed as {@code intendedKey}. Object stores must fix
     * the key before the first bytes of a large upload are sent; committing under another key then costs them a
     * server-side copy. Stores that can rename freely ignore the hint.
     */
    default PendingObject create(String intendedKey) throws IOException {
        return create();
    }

    /** Every object whose key starts with {@code prefix} ("" for all), temporary objects excluded. */
    List<StoredObject> list(String prefix) throws IOException;

    Optional<StoredObject> stat(String key) throws IOException;

    InputStream open(String key) throws IOException;

    void delete(String key) throws IOException;

    /** Writes a small object (a manifest) atomically, replacing any previous one. */
    void writeSmall(String key, byte[] content) throws IOException;

    byte[] readSmall(String key) throws IOException;

    /** Where this store is, for messages (never with credentials). */
    String describe();

    /** Human-readable location of a key, e.g. the file path. */
    String locate(String key);

    /** An object being written. Close without commit discards it. */
    interface PendingObject extends AutoCloseable {

        OutputStream output();

        /**
         * Makes the written bytes durable and visible under {@code key}. Never replaces an existing object:
         * throws {@link java.nio.file.FileAlreadyExistsException} instead, and the pending object stays open so the
         * caller can try another key.
         */
        void commit(String key) throws IOException;

        @Override
        void close() throws IOException;
    }

    record StoredObject(String key, long size, Instant modified) {
    }
}
