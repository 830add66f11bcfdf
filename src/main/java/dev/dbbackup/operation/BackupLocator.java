package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.config.Settings;
import dev.dbbackup.storage.local.LocalBackupStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the backup a command names: a file path anywhere, or 'latest' in BACKUP_DIR. */
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
        try {
            if ("latest".equals(backup)) {
                BackupCatalog catalog = Stores.catalog(settings);
                Optional<CatalogEntry> entry = onlyGood ? catalog.latestGood() : catalog.entries().stream().findFirst();
                return new Located(catalog, entry.orElseThrow(() -> new DbBackupException(ExitCode.NOT_FOUND,
                        "no " + (onlyGood ? "good " : "") + "backup in " + catalog.store().describe() + " for 'latest'",
                        "run 'dbbackup list' to see the backups, or name a file")));
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
                    "check BACKUP_DIR and its permissions", e);
        }
    }
}
