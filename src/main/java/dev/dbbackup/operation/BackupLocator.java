package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.catalog.DatabaseScope;
import dev.dbbackup.config.Settings;
import dev.dbbackup.storage.local.LocalBackupStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds the backup a command names: a file path anywhere, an s3:// URL, or 'latest' in BACKUP_DIR or the offsite store. */
public final class BackupLocator {

    private BackupLocator() {
    }

    public record Located(BackupCatalog catalog, CatalogEntry entry) {
    }

    private static List<CatalogEntry> latestCandidates(Settings settings, BackupCatalog catalog, String fromDatabase) throws IOException {
        DatabaseScope configured = ConfiguredDatabase.of(settings);
        Map<String, List<CatalogEntry>> groups = catalog.byDatabase(configured);
        if (fromDatabase != null) {
            List<String> matching = groups.keySet().stream().filter(id -> id.equals(fromDatabase) || groups.get(id).stream()
                    .anyMatch(e -> e.manifest().map(m -> fromDatabase.equals(m.database())).orElse(false))).toList();
            if (matching.size() > 1) {
                throw new DbBackupException(ExitCode.USAGE, "--from-database " + fromDatabase + " names " + matching.size()
                        + " databases in " + catalog.store().describe() + ": " + String.join(", ", matching),
                        "give the full identity as 'dbbackup list' shows it after DATABASE");
            }
            return matching.isEmpty() ? List.of() : groups.get(matching.get(0));
        }
        if (groups.containsKey(configured.id())) {
            return groups.get(configured.id());
        }
        List<String> others = groups.keySet().stream().filter(id -> !id.equals(BackupCatalog.UNKNOWN)).toList();
        if (others.size() == 1) {
            return groups.get(others.get(0));
        }
        if (others.size() > 1) {
            throw new DbBackupException(ExitCode.NOT_FOUND, "no backup of " + settings.databaseUrl().redacted() + " in "
                    + catalog.store().describe() + " for 'latest'; it holds backups of " + String.join(", ", others),
                    "pick one with --from-database <database> (as 'dbbackup list' shows it), or name a file");
        }
        return List.of();
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
        return locate(settings, backup, onlyGood, store, null);
    }

    /**
     * As above; 'latest' is the newest backup of the configured database, or of {@code fromDatabase} (an identity or a
     * database name, as {@code list} shows them) when given. In a folder that holds the backups of one database only,
     * 'latest' is that database's newest (a restore into a new file or onto a new machine); the restore itself refuses to
     * replace a database with another one's backup.
     */
    public static Located locate(Settings settings, String backup, boolean onlyGood, StoreChoice store, String fromDatabase) {
        try {
            if ("latest".equals(backup)) {
                BackupCatalog catalog = OffsiteStores.catalog(settings, store);
                List<CatalogEntry> entries = latestCandidates(settings, catalog, fromDatabase);
                java.time.Instant now = settings.clock().instant();
                Optional<CatalogEntry> entry = onlyGood ? BackupCatalog.latestGood(entries, now)
                        : entries.stream().filter(e -> !e.createdAt().isAfter(now)).findFirst().or(() -> entries.stream().findFirst());
                String list = store == StoreChoice.OFFSITE ? "dbbackup list --store offsite" : "dbbackup list";
                return new Located(catalog, entry.orElseThrow(() -> new DbBackupException(ExitCode.NOT_FOUND,
                        "no " + (onlyGood ? "good " : "") + "backup of " + (fromDatabase != null ? fromDatabase : settings.databaseUrl().redacted())
                                + " in " + catalog.store().describe() + " for 'latest'",
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
