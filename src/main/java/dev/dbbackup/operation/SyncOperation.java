package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.config.Settings;
import dev.dbbackup.storage.local.DirectoryLock;
import dev.dbbackup.storage.s3.S3BackupStore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * {@code dbbackup sync}: brings the offsite store up to date with BACKUP_DIR. Pushes every sound local backup that is
 * missing offsite and that the offsite retention would keep (with its manifest, checked against it), then applies
 * the offsite retention. Running it again changes nothing.
 */
@ApplicationScoped
public class SyncOperation {

    private static final Logger LOG = Logger.getLogger(SyncOperation.class);

    @Inject
    OffsiteCopy copy;

    @Inject
    PruneOperation prune;

    /**
     * One local backup and what sync did with it.
     *
     * @param action pushed, offsite (already there), manifest added, skipped, failed; with "would " in a dry run
     */
    @RegisterForReflection
    public record SyncItem(String key, String action, String detail, long bytes) {
    }

    @RegisterForReflection
    public record SyncReport(String target, boolean dryRun, List<SyncItem> items, List<String> deletedOffsite,
                             List<String> wouldDeleteOffsite, String retentionNote) {

        public long failures() {
            return items.stream().filter(i -> i.action().equals("failed")).count();
        }
    }

    public SyncReport run(Settings settings, boolean dryRun) {
        S3BackupStore remote = OffsiteStores.store(settings);
        BackupCatalog local = Stores.catalog(settings);
        BackupCatalog offsite = new BackupCatalog(remote, settings.zone());
        DirectoryLock lock = dryRun ? null : FolderLock.hold(settings, "sync");
        try {
            if (!dryRun) {
                OffsiteStores.removeStaleUploads(settings, remote);
            }
            return sync(settings, local, offsite, remote, dryRun);
        } catch (IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "sync to " + remote.describe() + " failed: " + e.getMessage(),
                    "check the BACKUP_OFFSITE_* settings and BACKUP_DIR; backups already copied stay offsite", e);
        } finally {
            if (lock != null) {
                FolderLock.release(lock);
            }
        }
    }

    private SyncReport sync(Settings settings, BackupCatalog local, BackupCatalog offsite, S3BackupStore remote, boolean dryRun)
            throws IOException {
        List<CatalogEntry> localEntries = local.entries();
        List<CatalogEntry> offsiteEntries = offsite.entries();
        Set<String> offsiteKeys = new HashSet<>();
        offsiteEntries.forEach(e -> offsiteKeys.add(e.key()));

        // Plan the offsite retention as if every missing local backup were already there: push only what it keeps.
        List<CatalogEntry> combined = new ArrayList<>(offsiteEntries);
        localEntries.stream().filter(e -> !offsiteKeys.contains(e.key())).forEach(combined::add);
        Map<String, PruneOperation.PruneItem> verdicts = new HashMap<>();
        for (PruneOperation.PruneItem item : prune.planEachDatabase(combined, offsite, ConfiguredDatabase.of(settings),
                settings.offsite().retention(), settings.clock().instant())) {
            verdicts.put(item.entry().key(), item);
        }

        String prefix = dryRun ? "would " : "";
        List<SyncItem> items = new ArrayList<>();
        for (CatalogEntry entry : localEntries) {
            PruneOperation.PruneItem verdict = verdicts.get(entry.key());
            boolean missing = !offsiteKeys.contains(entry.key());
            if (missing && verdict != null && !verdict.decision().keep()) {
                items.add(new SyncItem(entry.key(), "skipped", "the offsite retention would not keep it ("
                        + String.join("; ", verdict.decision().reasons()) + ")", 0));
                continue;
            }
            if (dryRun) {
                items.add(new SyncItem(entry.key(), missing ? prefix + "push" : "offsite", missing ? "" : "already offsite", entry.size()));
                continue;
            }
            try {
                OffsiteCopy.Pushed pushed = copy.push(local, entry, remote);
                String action = switch (pushed.outcome()) {
                    case PUSHED -> "pushed";
                    case MANIFEST_ADDED -> "manifest added";
                    case ALREADY_OFFSITE -> "offsite";
                };
                items.add(new SyncItem(entry.key(), action, pushed.location(), pushed.bytes()));
                if (pushed.outcome() != OffsiteCopy.Outcome.ALREADY_OFFSITE) {
                    LOG.infof("%s: %s", action, pushed.location());
                }
            } catch (IOException e) {
                LOG.errorf("could not push %s: %s", entry.key(), e.getMessage());
                items.add(new SyncItem(entry.key(), "failed", e.getMessage(), 0));
            }
        }

        List<String> deleted = new ArrayList<>();
        List<String> wouldDelete = new ArrayList<>();
        String note = null;
        long failures = items.stream().filter(i -> i.action().equals("failed")).count();
        if (failures > 0) {
            note = "offsite retention not applied because " + failures + " backup(s) could not be pushed";
        } else {
            if (dryRun) {
                for (PruneOperation.PruneItem item : verdicts.values()) {
                    if (!item.decision().keep() && offsiteKeys.contains(item.entry().key())) {
                        wouldDelete.add(item.entry().key());
                    }
                }
                wouldDelete.sort(null);
            } else {
                deleted = prune.apply(offsite, prune.planEachDatabase(offsite.entries(), offsite,
                        ConfiguredDatabase.of(settings), settings.offsite().retention(), settings.clock().instant()), false).deleted();
            }
        }
        return new SyncReport(remote.describe(), dryRun, items, deleted, wouldDelete, note);
    }
}
