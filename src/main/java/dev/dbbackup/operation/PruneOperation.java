package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.catalog.ManifestCodec;
import dev.dbbackup.config.Settings;
import dev.dbbackup.storage.local.DirectoryLock;
import dev.dbbackup.retention.RetentionCandidate;
import dev.dbbackup.retention.RetentionDecision;
import dev.dbbackup.retention.RetentionPlanner;
import dev.dbbackup.retention.RetentionPolicy;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** Applies the retention plan to a backup folder: deletes exactly what the planner says, nothing else. */
@ApplicationScoped
public class PruneOperation {

    private static final Logger LOG = Logger.getLogger(PruneOperation.class);

    @Inject
    @All
    List<OperationObserver> observers;

    /** One backup and the planner's verdict on it. */
    public record PruneItem(CatalogEntry entry, RetentionDecision decision) {
    }

    public record PruneReport(List<PruneItem> items, List<String> deleted, boolean dryRun) {
    }

    /**
     * {@code dbbackup prune}: plans over BACKUP_DIR, each database's backups on their own, and deletes what the plans say
     * (under the folder lock).
     * {@code keepLast} (the disk-full emergency) replaces the calendar policy with "keep the N newest valid".
     */
    public PruneReport run(Settings settings, boolean dryRun, Integer keepLast) {
        return run(settings, dryRun, keepLast, StoreChoice.LOCAL);
    }

    /** As above for the chosen store; the offsite store is planned with its own counts (BACKUP_OFFSITE_RETENTION_*). */
    public PruneReport run(Settings settings, boolean dryRun, Integer keepLast, StoreChoice store) {
        BackupCatalog catalog = OffsiteStores.catalog(settings, store);
        RetentionPolicy policy = store == StoreChoice.OFFSITE ? settings.offsite().retention() : settings.retention();
        DirectoryLock lock = dryRun || store == StoreChoice.OFFSITE ? null : FolderLock.hold(settings, "prune");
        try {
            List<PruneItem> items = new ArrayList<>();
            for (List<CatalogEntry> entries : catalog.byDatabase(ConfiguredDatabase.of(settings)).values()) {
                items.addAll(keepLast == null ? plan(entries, catalog, policy, settings.clock().instant())
                        : items(entries, RetentionPlanner.keepLast(candidates(entries), keepLast)));
            }
            PruneReport report = apply(catalog, items, dryRun);
            if (!dryRun) {
                OperationObserver.tell(observers, o -> o.pruned(settings, report));
            }
            return report;
        } catch (IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "cannot read the backups in " + catalog.store().describe() + ": " + e.getMessage(),
                    store == StoreChoice.OFFSITE ? "check the BACKUP_OFFSITE_* settings" : "check BACKUP_DIR and its permissions", e);
        } finally {
            if (lock != null) {
                FolderLock.release(lock);
            }
        }
    }

    /** The planner's verdict on every backup of one database in the catalog, newest first; other databases' are not looked at. */
    public List<PruneItem> plan(BackupCatalog catalog, dev.dbbackup.catalog.DatabaseScope database, RetentionPolicy policy, Instant now)
            throws IOException {
        return plan(catalog.entriesOf(database), catalog, policy, now);
    }

    /** The planner's verdict on every backup in {@code entries}, each database's backups planned on their own. */
    public List<PruneItem> planEachDatabase(List<CatalogEntry> entries, BackupCatalog catalog, dev.dbbackup.catalog.DatabaseScope configured,
                                            RetentionPolicy policy, Instant now) {
        List<PruneItem> items = new ArrayList<>();
        for (List<CatalogEntry> database : BackupCatalog.byDatabase(entries, configured).values()) {
            items.addAll(plan(database, catalog, policy, now));
        }
        return items;
    }

    public List<PruneItem> plan(List<CatalogEntry> entries, BackupCatalog catalog, RetentionPolicy policy, Instant now) {
        return items(entries, RetentionPlanner.plan(candidates(entries), policy, now, catalog.zone()));
    }

    private static List<RetentionCandidate> candidates(List<CatalogEntry> entries) {
        List<RetentionCandidate> candidates = new ArrayList<>();
        for (CatalogEntry entry : entries) {
            candidates.add(new RetentionCandidate(entry.key(), entry.name().type(), entry.createdAt(),
                    entry.valid() && !entry.failedVerification()));
        }
        return candidates;
    }

    private static List<PruneItem> items(List<CatalogEntry> entries, List<RetentionDecision> decisions) {
        Map<String, CatalogEntry> byKey = new HashMap<>();
        for (CatalogEntry entry : entries) {
            byKey.put(entry.key(), entry);
        }
        List<PruneItem> items = new ArrayList<>();
        for (RetentionDecision decision : decisions) {
            CatalogEntry entry = byKey.get(decision.candidate().id());
            if (entry != null) {
                items.add(new PruneItem(entry, decision));
            }
        }
        return items;
    }

    /** Deletes what the plan marks for deletion (backup file, then its manifest) unless {@code dryRun}. */
    public PruneReport apply(BackupCatalog catalog, List<PruneItem> items, boolean dryRun) {
        List<String> deleted = new ArrayList<>();
        for (PruneItem item : items) {
            if (item.decision().keep()) {
                continue;
            }
            String key = item.entry().key();
            if (dryRun) {
                continue;
            }
            try {
                catalog.store().delete(key);
                catalog.store().delete(ManifestCodec.manifestKey(key));
                deleted.add(key);
                LOG.infof("deleted %s (%s)", key, String.join("; ", item.decision().reasons()));
            } catch (IOException e) {
                throw new DbBackupException(ExitCode.FAILURE, "could not delete " + catalog.store().locate(key) + ": " + e.getMessage(),
                        "check the permissions of the backup folder; nothing else was deleted after this file", e);
            }
        }
        return new PruneReport(items, deleted, dryRun);
    }
}
