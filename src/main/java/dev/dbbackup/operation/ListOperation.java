package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.BackupManifest;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.config.Settings;
import dev.dbbackup.retention.RetentionPolicy;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Every backup in BACKUP_DIR with its state and the retention bucket that keeps it. */
@ApplicationScoped
public class ListOperation {

    @Inject
    PruneOperation prune;

    /**
     * One row of {@code dbbackup list}.
     *
     * @param state    "ok", "verified", "verification failed", or the manifest problem ("no manifest", …)
     * @param keptBy   the retention reasons when kept; empty when the next prune deletes it
     * @param encryption how the file is encrypted (mode and key ids, from the manifest); null when it is not
     * @param database   the database the backup is of (its identity; see BackupCatalog.byDatabase); retention judges each
     *                   database's backups on their own
     */
    @RegisterForReflection
    public record ListedBackup(String file, String path, String type, String created, long size, String state,
                               String verifiedAt, String testRestoredAt, Double testRestoreSeconds, Long rows, boolean keep,
                               List<String> keptBy, List<String> deleteReasons, BackupManifest.Encryption encryption,
                               String database) {

        /** One word for the table: passphrase, pubkey, gpg (encrypted, mode unknown) or "-". */
        public String encryptionWord() {
            return encryption == null ? "-" : encryption.mode() == null ? "gpg" : encryption.mode();
        }
    }

    private static BackupManifest.Encryption encryption(CatalogEntry entry) {
        BackupManifest.Encryption recorded = entry.manifest().map(BackupManifest::encryption).orElse(null);
        if (recorded == null && dev.dbbackup.pipeline.crypto.Encryption.isEncryptedName(entry.fileName())) {
            return new BackupManifest.Encryption("openpgp", null, null, null);
        }
        return recorded;
    }

    public List<ListedBackup> list(Settings settings) {
        return list(settings, StoreChoice.LOCAL);
    }

    /** The backups of the chosen store, judged by that store's retention counts. */
    public List<ListedBackup> list(Settings settings, StoreChoice store) {
        BackupCatalog catalog = OffsiteStores.catalog(settings, store);
        RetentionPolicy policy = store == StoreChoice.OFFSITE ? settings.offsite().retention() : settings.retention();
        try {
            List<ListedBackup> rows = new ArrayList<>();
            for (java.util.Map.Entry<String, List<CatalogEntry>> group : catalog.byDatabase(ConfiguredDatabase.of(settings)).entrySet()) {
                for (PruneOperation.PruneItem item : prune.plan(group.getValue(), catalog, policy, settings.clock().instant())) {
                    rows.add(row(catalog, group.getKey(), item));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "cannot read the backups in " + catalog.store().describe() + ": " + e.getMessage(),
                    store == StoreChoice.OFFSITE ? "check the BACKUP_OFFSITE_* settings" : "check BACKUP_DIR and its permissions", e);
        }
    }

    private static ListedBackup row(BackupCatalog catalog, String database, PruneOperation.PruneItem item) {
                CatalogEntry entry = item.entry();
                BackupManifest.Verification verification = entry.manifest().map(BackupManifest::verification).orElse(null);
                BackupManifest.Verification testRestore = entry.manifest().map(BackupManifest::testRestore).orElse(null);
                String state = entry.manifestProblem().orElse(testRestore != null
                        ? (testRestore.passed() ? "test-restored" : "test-restore failed")
                        : verification == null ? "ok" : verification.passed() ? "verified" : "verification failed");
                boolean keep = item.decision().keep();
                return new ListedBackup(entry.key(), catalog.store().locate(entry.key()), entry.name().type().word(),
                        entry.createdAt().toString(), entry.size(), state, verification == null ? null : verification.at(),
                        testRestore == null ? null : testRestore.at(), testRestore == null ? null : testRestore.durationSeconds(),
                        entry.manifest().map(BackupManifest::totalRows).orElse(null), keep,
                        keep ? item.decision().reasons() : List.of(), keep ? List.of() : item.decision().reasons(), encryption(entry),
                        database);
    }
}
