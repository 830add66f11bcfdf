package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.Settings;
import dev.dbbackup.storage.local.LocalBackupStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the backup folder named by the settings. */
public final class Stores {

    private Stores() {
    }

    public static LocalBackupStore local(Settings settings) {
        return new LocalBackupStore(settings.backupDir());
    }

    public static BackupCatalog catalog(Settings settings) {
        return new BackupCatalog(local(settings), settings.zone());
    }

    /** Creates BACKUP_DIR (0700) if needed and fails with a setting-naming message when it cannot be written. */
    public static LocalBackupStore writableLocal(Settings settings) {
        LocalBackupStore store = local(settings);
        Path root = store.root();
        try {
            store.ensureDirectory(root);
        } catch (IOException e) {
            throw new ConfigException("BACKUP_DIR " + root + " cannot be created (" + e.getClass().getSimpleName() + ")",
                    "create it, fix its permissions, or set --backup-dir / BACKUP_DIR to a writable folder");
        }
        if (!Files.isWritable(root)) {
            throw new ConfigException("BACKUP_DIR " + root + " is not writable",
                    "fix its permissions or set --backup-dir / BACKUP_DIR to a writable folder");
        }
        return store;
    }
}
