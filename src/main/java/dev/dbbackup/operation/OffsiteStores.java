package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.Settings;
import dev.dbbackup.storage.BackupStore;
import dev.dbbackup.storage.s3.S3BackupStore;
import dev.dbbackup.storage.s3.S3Location;
import dev.dbbackup.storage.s3.S3StoreConfig;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Opens the offsite store named by the settings, or the one an {@code s3://} URL points into. Clients are
 * long-lived and shared per configuration (the scheduler runs many times in one process).
 */
public final class OffsiteStores {

    private static final Logger LOG = Logger.getLogger(OffsiteStores.class);
    private static final Map<S3StoreConfig, S3BackupStore> OPEN = new ConcurrentHashMap<>();

    private OffsiteStores() {
    }

    /** The configured offsite store (BACKUP_OFFSITE_URL); a usage error when none is configured. */
    public static S3BackupStore store(Settings settings) {
        return open(settings.offsite().store());
    }

    public static BackupCatalog catalog(Settings settings) {
        return new BackupCatalog(store(settings), settings.zone());
    }

    /**
     * Where the backups are written: the offsite store with BACKUP_OFFSITE_MODE=only, BACKUP_DIR otherwise. Health and
     * the metrics read this one, so an offsite-only setup is not reported as having no backup.
     */
    public static BackupCatalog primary(Settings settings) {
        return settings.offsite().mode() == dev.dbbackup.config.OffsiteSettings.Mode.ONLY ? catalog(settings) : Stores.catalog(settings);
    }

    /** The catalog of the chosen store. */
    public static BackupCatalog catalog(Settings settings, StoreChoice choice) {
        return choice == StoreChoice.OFFSITE ? catalog(settings) : Stores.catalog(settings);
    }

    static S3BackupStore open(S3StoreConfig config) {
        return OPEN.computeIfAbsent(config, S3BackupStore::new);
    }

    public static boolean isUrl(String value) {
        return value.regionMatches(true, 0, "s3://", 0, 5);
    }

    /**
     * The store and key of a backup named by URL. A URL under BACKUP_OFFSITE_URL is read through the configured
     * store (same prefix, same names); any other is read from its own folder with the configured connection.
     */
    public static BackupLocator.Located locate(Settings settings, String url) throws IOException {
        S3Location whole;
        try {
            whole = S3Location.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("backup URL " + url + " " + e.getMessage(), "use s3://bucket/prefix/daily/backup_daily_….sql.gz");
        }
        String objectKey = whole.prefix().isEmpty() ? "" : whole.prefix().substring(0, whole.prefix().length() - 1);
        if (objectKey.isEmpty()) {
            throw new ConfigException("backup URL " + url + " names a bucket, not a backup file",
                    "give the whole object URL, e.g. s3://bucket/prefix/daily/backup_daily_20251103_020000.sql.gz");
        }
        S3Location store;
        String key;
        var configured = settings.offsite().location();
        if (configured.isPresent() && configured.get().bucket().equals(whole.bucket()) && configured.get().contains(objectKey)) {
            store = configured.get();
            key = objectKey.substring(store.prefix().length());
        } else {
            int slash = objectKey.lastIndexOf('/');
            store = new S3Location(whole.bucket(), slash < 0 ? "" : objectKey.substring(0, slash + 1));
            key = objectKey.substring(slash + 1);
        }
        BackupCatalog catalog = new BackupCatalog(open(settings.offsite().storeAt(store)), settings.zone());
        CatalogEntry entry = catalog.entry(key).orElseThrow(() -> new DbBackupException(ExitCode.NOT_FOUND,
                "backup " + url + " does not exist", "run 'dbbackup list --store offsite' to see the offsite backups"));
        return new BackupLocator.Located(catalog, entry);
    }

    /** Aborts unfinished uploads left by killed runs; a failure only warns (the backup itself may still work). */
    static void removeStaleUploads(Settings settings, BackupStore store) {
        if (!(store instanceof S3BackupStore s3)) {
            return;
        }
        // The server stamps uploads with the real time, so the cutoff ignores a clock fixed by DBBACKUP_NOW.
        // An age of zero takes every unfinished upload under the prefix (one writer per prefix, under the folder lock).
        Instant cutoff = settings.offsite().staleUploadAge().isZero() ? Instant.MAX : Instant.now().minus(settings.offsite().staleUploadAge());
        try {
            int removed = s3.removeStaleUploads(cutoff);
            if (removed > 0) {
                LOG.infof("removed %d unfinished upload(s) left by interrupted runs in %s", removed, s3.describe());
            }
        } catch (IOException e) {
            LOG.warnf("could not clean unfinished uploads in %s: %s", s3.describe(), e.getMessage());
        }
    }
}
