package dev.dbbackup.storage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.storage.BackupStore;
import dev.dbbackup.storage.BackupStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBackupStoreTest extends BackupStoreContract {

    @TempDir
    Path dir;

    @Override
    protected BackupStore store() {
        return new LocalBackupStore(dir.resolve("backups"));
    }

    @Test
    void foldersAre0700AndFiles0600WhateverTheUmask() throws Exception {
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        try (BackupStore.PendingObject pending = store.create()) {
            pending.output().write(1);
            pending.commit("weekly/x.sql.gz");
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("backups"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("backups/weekly"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("backups/weekly/x.sql.gz"))));
    }

    @Test
    void temporariesOfDeadProcessesAreRemovedButNotOfLiveOnes() throws Exception {
        LocalBackupStore store = new LocalBackupStore(dir.resolve("backups"));
        store.ensureDirectory(store.root());
        Path dead = Files.writeString(store.root().resolve(LocalBackupStore.TEMP_PREFIX + "999999999-abc"), "partial");
        Path live = Files.writeString(store.root().resolve(LocalBackupStore.TEMP_PREFIX + ProcessHandle.current().pid() + "-abc"), "in progress");
        assertEquals(1, store.removeStaleTemporaries());
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(live));
        assertTrue(store.list("").isEmpty(), "temporaries are never listed");
    }
}
