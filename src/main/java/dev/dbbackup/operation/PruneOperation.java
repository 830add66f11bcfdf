package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.catalog.ManifestCodec;
import dev.dbbackup.retention.RetentionCandidate;
import dev.dbbackup.retention.RetentionDecision;
import dev.dbbackup.retention.RetentionPlanner;
import dev.dbbackup.retention.RetentionPolicy;
import jakarta.enterprise.context.ApplicationScoped;
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

    /** One backup and the planner's verdict on it. */
    public record PruneItem(CatalogEntry entry, RetentionDecision decision) {
    }

    public record PruneReport(List<PruneItem> items, List<String> deleted, boolean dryRun) {
    }

    /** The planner's verdict on every backup in the catalog, newest first. */
    public List<PruneItem> plan(BackupCatalog catalog, RetentionPolicy policy, Instant now) throws IOException {
        return plan(catalog.entries(), catalog, policy, now);
    }

    public List<PruneItem> plan(List<CatalogEntry> entries, BackupCatalog catalog, RetentionPolicy policy, Instant now) {
        Map<String, CatalogEntry> byKey = new HashMap<>();
        List<RetentionCandidate> candidates = new ArrayList<>();
        for (CatalogEntry entry : entries) {
            byKey.put(entry.key(), entry);
            candidates.add(new RetentionCandidate(entry.key(), entry.name().type(), entry.createdAt(),
                    entry.valid() && !entry.failedVerification()));
        }
        List<PruneItem> items = new ArrayList<>();
        for (RetentionDecision decision : RetentionPlanner.plan(candidates, policy, now, catalog.zone())) {
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
