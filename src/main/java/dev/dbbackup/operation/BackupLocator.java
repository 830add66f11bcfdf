package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.config.Settings;
import dev.dbbackup.storage.local.LocalBackupStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the backup a command names: a file path anywhere, an s3:// URL, or 'latest' in BACKUP_DIR or the offsite store. */
public final class BackupLocator {

    private BackupLocator() {
    }

    public record Located(BackupCatalog catalog, CatalogEntry entry) {
    }

    /**
     * @param onlyGood for 'latest': true skips backups without a sound manifest or that failed verification (restore);
     *                 false takes the newest of any state (verify, so a bad newest backup is reported)
     */
    public static Located locate(Settings settings, String backup, boolean onlyGood) {
        return locate(settings, backup, onlyGood, StoreChoice.LOCAL);
    }

    /** As above; {@code store} says where 'latest' is looked for (a path or URL names its own store). */
    public static Located locate(Settings settings, String backup, boolean onlyGood, StoreChoice store) {
        try {
            if ("latest".equals(backup)) {
                BackupCatalog catalog = OffsiteStores.catalog(settings, store);
                Optional<CatalogEntry> entry = onlyGood ? catalog.latestGood() : catalog.entries().stream().findFirst();
                String list = store == StoreChoice.OFFSITE ? "dbbackup list --store offsite" : "dbbackup list";
                return new Located(catalog, entry.orElseThrow(() -> new DbBackupException(ExitCode.NOT_FOUND,
                        "no " + (onlyGood ? "good " : "") + "backup in " + catalog.store().describe() + " for 'latest'",
                        "run '" + list + "' to see the backups, or name a file")));
            }
            if (OffsiteStores.isUrl(backup)) {
                return OffsiteStores.locate(settings, backup);
            }
            Path file = Path.of(backup).toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                throw new DbBackupException(ExitCode.NOT_FOUND, "backup file " + backup + " does not exist",
                        "run 'dbbackup list' to see the backups, or use 'latest'");
            }
            Path folder = file.getParent() == null ? Path.of("/") : file.getParent();
            BackupCatalog catalog = new BackupCatalog(new LocalBackupStore(folder), settings.zone());
            CatalogEntry entry = catalog.entry(file.getFileName().toString()).orElseThrow(() -> new DbBackupException(
                    ExitCode.NOT_FOUND, "backup file " + backup + " does not exist", "run 'dbbackup list'"));
            return new Located(catalog, entry);
        } catch (IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "cannot read the backups: " + e.getMessage(),
                    store == StoreChoice.OFFSITE || OffsiteStores.isUrl(backup) ? "check the BACKUP_OFFSITE_* settings"
                            : "check BACKUP_DIR and its permissions", e);
        }
    }
}
