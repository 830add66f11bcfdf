package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.BackupManifest;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.config.Settings;
import dev.dbbackup.engine.DatabaseEngine;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.engine.ScratchTarget;
import dev.dbbackup.pipeline.crypto.Decryption;
import dev.dbbackup.pipeline.crypto.Encryption;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The seed's "test restores regularly", made automatic: validate the backup, restore it into a scratch target,
 * compare row counts with the manifest, drop the scratch target, and record the outcome in the manifest.
 */
@ApplicationScoped
public class TestRestoreOperation {

    private static final Logger LOG = Logger.getLogger(TestRestoreOperation.class);

    @Inject
    EngineRegistry engines;

    @Inject
    VerifyOperation verifier;

    @Inject
    @All
    List<OperationObserver> observers;

    /** @param scratchUrl where to create the scratch database (PostgreSQL: another server); empty means beside DATABASE_URL */
    public VerifyOperation.VerificationResult run(Settings settings, String backup, Optional<DatabaseUrl> scratchUrl) {
        BackupLocator.Located located = BackupLocator.locate(settings, backup, false);
        BackupCatalog catalog = located.catalog();
        CatalogEntry entry = located.entry();
        String location = catalog.store().locate(entry.key());
        long start = System.nanoTime();

        Decryption decryption = Encryption.isEncryptedName(entry.fileName())
                ? EncryptionKeys.requiredFor(settings, location, entry.manifest()) : Decryption.NONE;
        EncryptionKeys.requireKeyOpens(decryption, catalog, entry, location);
        Optional<String> quickFault = VerifyOperation.quickCheck(entry);
        if (quickFault.isPresent()) {
            return record(catalog, entry, settings, verifier.verify(catalog, entry, settings.clock().instant(), decryption, true), start);
        }
        List<String> passed = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Optional<String> failure = Optional.empty();
        String endMarker = null;
        long plainBytes = 0;
        DatabaseUrl near = scratchUrl.orElse(settings.databaseUrl());
        String engineName = entry.manifest().map(BackupManifest::engine).orElse(null);
        DatabaseEngine engine = engineName != null ? engines.byName(engineName) : engines.forUrl(near);
        ScratchTarget scratch;
        try {
            scratch = engine.createScratch(near);
        } catch (EngineException e) {
            // A scratch target we cannot create says nothing about the backup: fail the run, do not mark the backup.
            throw new DbBackupException(ExitCode.FAILURE, "cannot create a scratch target for the test-restore: " + e.getMessage(),
                    "give a server where a temporary database may be created with --scratch-url, or fix the permissions", e);
        }
        try (scratch; RestoreSession session = engine.beginRestore(scratch.url(), RestoreOptions.defaults())) {
            LOG.infof("test-restore of %s into scratch target %s", location, scratch.url().redacted());
            // The file is verified in the same read as it is restored (the verification is recorded on its own too).
            RestoreExecution.Checked restored = RestoreExecution.applyAndCheck(verifier, settings.clock().instant(), session, catalog, entry,
                    location, decryption);
            passed.addAll(restored.verified().passedChecks());
            notes.addAll(restored.notes());
            endMarker = restored.verified().endMarker();
            plainBytes = restored.verified().plainBytes();
            if (restored.passed()) {
                passed.add("test-restore (" + restored.tables() + " tables, " + restored.rows() + " rows)");
            } else {
                failure = restored.verified().failure();
            }
        } catch (DbBackupException e) {
            failure = Optional.of("test-restore failed: " + e.getMessage());
        } catch (EngineException | IOException e) {
            failure = Optional.of("test-restore failed: " + e.getMessage());
        }
        VerifyOperation.VerificationResult result = new VerifyOperation.VerificationResult(entry.key(), location, passed, failure, notes,
                endMarker, plainBytes);
        return record(catalog, entry, settings, result, start);
    }

    /** When a test-restore of one of the backups in BACKUP_DIR last passed (from their manifests); empty when none did. */
    public Optional<Instant> lastPassed(Settings settings) {
        try {
            return OffsiteStores.primary(settings).entries().stream()
                    .flatMap(e -> e.manifest().stream())
                    .map(BackupManifest::testRestore)
                    .filter(v -> v != null && "passed".equals(v.state()) && v.at() != null)
                    .map(v -> Instant.parse(v.at()))
                    .max(Instant::compareTo);
        } catch (IOException | java.time.format.DateTimeParseException e) {
            LOG.debugf("cannot read the test-restore history of %s: %s", settings.backupDir(), e.getMessage());
            return Optional.empty();
        }
    }

    private VerifyOperation.VerificationResult record(BackupCatalog catalog, CatalogEntry entry, Settings settings,
                                                      VerifyOperation.VerificationResult result, long start) {
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        OperationObserver.tell(observers, o -> o.testRestored(settings, result, duration));
        double seconds = duration.toMillis() / 1000.0;
        Optional<BackupManifest> current = reread(catalog, entry);
        if (current.isPresent()) {
            BackupManifest.Verification outcome = new BackupManifest.Verification(result.passed() ? "passed" : "failed",
                    settings.clock().instant().toString(), String.join(", ", result.passedChecks()), result.failure().orElse(null), seconds);
            try {
                catalog.saveManifest(entry.key(), current.get().withTestRestore(outcome));
            } catch (IOException e) {
                LOG.warnf("could not record the test-restore in the manifest of %s: %s", entry.key(), e.getMessage());
            }
        }
        LOG.infof("test-restore of %s %s in %.1f s", entry.key(), result.passed() ? "passed" : "FAILED", seconds);
        return result;
    }

    /** The manifest as the verification just rewrote it, so the test-restore result is added to the newest one. */
    private static Optional<BackupManifest> reread(BackupCatalog catalog, CatalogEntry entry) {
        try {
            return catalog.entry(entry.key()).flatMap(CatalogEntry::manifest);
        } catch (IOException e) {
            return entry.manifest();
        }
    }
}
