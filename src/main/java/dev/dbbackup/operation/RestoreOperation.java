package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.BackupManifest;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.catalog.DatabaseScope;
import dev.dbbackup.config.Settings;
import dev.dbbackup.engine.CreatedDatabase;
import dev.dbbackup.engine.DatabaseCreationRefusedException;
import dev.dbbackup.engine.DatabaseEngine;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.engine.TargetState;
import dev.dbbackup.pipeline.crypto.Decryption;
import dev.dbbackup.pipeline.crypto.DecryptionException;
import dev.dbbackup.pipeline.crypto.Encryption;
import dev.dbbackup.storage.local.DirectoryLock;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Restores a backup: validate → refuse a non-empty target unless clean → confirm → safety backup →
 * restore invisibly → integrity and row counts against the manifest → make it visible.
 */
@ApplicationScoped
public class RestoreOperation {

    private static final Logger LOG = Logger.getLogger(RestoreOperation.class);

    @Inject
    EngineRegistry engines;

    @Inject
    VerifyOperation verifier;

    @Inject
    BackupOperation backups;

    @Inject
    @All
    List<OperationObserver> observers;

    /** @param store where 'latest' is looked for */
    /**
     * @param noSafetyBackup replace a non-empty target without taking a safety backup of it first (a warning says so)
     * @param fromDatabase   the database the backup is of, when it is not the target (identity or name, as 'list' shows it):
     *                       picks 'latest' among that database's backups and allows replacing the target with them
     * @param trustFile      run statements no dump contains (the operator vouches for the file)
     */
    public record RestoreRequest(String backup, boolean dryRun, boolean yes, boolean clean, boolean force, StoreChoice store,
                                 boolean noSafetyBackup, String fromDatabase, boolean trustFile) {

        public RestoreRequest(String backup, boolean dryRun, boolean yes, boolean clean, boolean force, StoreChoice store) {
            this(backup, dryRun, yes, clean, force, store, false, null, false);
        }

        public RestoreRequest(String backup, boolean dryRun, boolean yes, boolean clean, boolean force) {
            this(backup, dryRun, yes, clean, force, StoreChoice.LOCAL, false, null, false);
        }
    }

    public record RestoreReport(String backupLocation, String target, boolean dryRun, TargetState targetBefore, int tables,
                                long rows, Duration duration, String previousKeptAt, String safetyBackup, List<String> notes) {
    }

    public RestoreReport run(Settings settings, RestoreRequest request, Confirmation confirmation) {
        long startNanos = System.nanoTime();
        BackupLocator.Located located = BackupLocator.locate(settings, request.backup(), true, request.store(), request.fromDatabase());
        BackupCatalog catalog = located.catalog();
        CatalogEntry entry = located.entry();
        String location = catalog.store().locate(entry.key());
        DatabaseUrl target = settings.databaseUrl();
        DatabaseEngine engine = engines.forUrl(target);
        Optional<BackupManifest> manifest = entry.manifest();
        if (manifest.isPresent() && manifest.get().engine() != null && !manifest.get().engine().equals(engine.name())) {
            throw new DbBackupException(ExitCode.USAGE, "backup " + location + " is a " + manifest.get().engine()
                    + " dump but the target " + target.redacted() + " is " + engine.name(),
                    "restore it into a " + manifest.get().engine() + " database with --database-url");
        }

        if (!request.force() && catalog.store() instanceof dev.dbbackup.storage.local.LocalBackupStore) {
            refuseUntrusted(location);
        }
        Decryption decryption = Encryption.isEncryptedName(entry.fileName())
                ? EncryptionKeys.requiredFor(settings, location, manifest) : Decryption.NONE;
        EncryptionKeys.requireKeyOpens(decryption, catalog, entry, location);
        List<String> notes = new ArrayList<>();
        Optional<String> quickFault = VerifyOperation.quickCheck(entry);
        if (quickFault.isPresent()) {
            verifier.verify(catalog, entry, settings.clock().instant(), decryption, true); // records the failure in the manifest
            refuse(location, quickFault.get(), decryption);
        }

        TargetState before = inspect(engine, target);
        if (before.isUnreadable() && !request.clean()) {
            throw new DbBackupException(ExitCode.TARGET_NOT_EMPTY, "the restore target " + target.database() + " cannot be read as a "
                    + engine.name() + " database (" + before.unreadable() + "); refusing to replace it without --clean",
                    "pass --clean to replace it (the damaged file is kept byte-for-byte beside it), or restore into a new database"
                            + " with --database-url; nothing was changed");
        }
        String newTarget = engine.name().equals("sqlite") ? "sqlite:///./recovery.db"
                : "postgresql://" + (target.user() == null ? "" : target.user() + "@") + target.host() + ":" + target.port() + "/"
                + target.database() + "_recovery, created if the role may";
        if (!before.isEmpty() && !request.clean() && request.dryRun()) {
            notes.add("dry run: the target " + before.description() + " already holds " + before.tableCount() + " table(s): the restore"
                    + " would be refused (exit 4); pass --clean to replace it (after a safety backup), or restore into a new database"
                    + " with --database-url (e.g. " + newTarget + ")");
        } else if (!before.isEmpty() && !request.clean()) {
            throw new DbBackupException(ExitCode.TARGET_NOT_EMPTY, "the restore target " + before.description()
                    + " already holds " + before.tableCount() + " table(s); refusing to restore on top of them",
                    "restore into a new database with --database-url (e.g. " + newTarget + "), or pass --clean to replace it"
                            + " (a safety backup is taken first)");
        }
        if (before.isEmpty() || request.clean()) {
            requireSameDatabase(request, location, target, manifest, before, notes);
        }
        if (request.dryRun() || !before.isEmpty()) {
            // A dry run is the check; a target with content gets a safety backup, which a damaged file must not cost.
            // Into an empty target the file is verified while it is restored: one read instead of two.
            VerifyOperation.VerificationResult verification = verifier.verify(catalog, entry, settings.clock().instant(), decryption, true);
            if (!verification.passed()) {
                refuse(location, verification.failure().get(), decryption);
            }
            notes.addAll(verification.notes());
            LOG.infof("backup %s passed validation (%s)", location, String.join(", ", verification.passedChecks()));
        }
        if (request.dryRun()) {
            if (!before.exists()) {
                notes.add("dry run: the target does not exist yet; the restore would create it");
            }
            if (before.isUnreadable()) {
                notes.add("dry run: the target cannot be read (" + before.unreadable() + "); the restore would keep it byte-for-byte"
                        + " beside it as " + target.database() + DAMAGED_SUFFIX + "<time> and replace it");
            }
            if (request.noSafetyBackup() && !before.isEmpty()) {
                notes.add("dry run: --no-safety-backup: the current content would be replaced without a safety backup");
            }
            notes.add("dry run: nothing was written");
            return new RestoreReport(location, target.redacted(), true, before, manifestTables(manifest), manifestRows(manifest),
                    Duration.ofNanos(System.nanoTime() - startNanos), null, null, notes);
        }
        if (entry.failedTestRestore() && !request.force()) {
            String question = "Backup " + location + " FAILED its last test-restore ("
                    + manifest.map(m -> m.testRestore().detail()).orElse("") + "). Restore it anyway?";
            if (!confirmation.confirm(question)) {
                throw new DbBackupException(ExitCode.NOT_CONFIRMED, "restore cancelled: the backup failed its test-restore",
                        "pick another backup, or pass --force after checking it");
            }
        }
        if (!request.yes()) {
            String question = "Restore " + location + " into " + before.description()
                    + (!before.exists() ? " (it will be created)"
                    : before.isUnreadable() ? " (it will be kept byte-for-byte beside it and replaced)"
                    : before.isEmpty() ? "" : " (its " + before.tableCount() + " table(s) will be replaced"
                    + (request.noSafetyBackup() ? " WITHOUT a safety backup" : "") + ")") + "?";
            if (!confirmation.confirm(question)) {
                throw new DbBackupException(ExitCode.NOT_CONFIRMED, "restore cancelled: not confirmed", "nothing was changed");
            }
        }

        DirectoryLock lock = FolderLock.hold(settings, "restore");
        try {
            CreatedDatabase created = before.exists() ? null : create(engine, target);
            if (!before.exists() && created == null) {
                before = createdMeanwhile(engine, target, before);
            }
            RestoreReport report;
            try (DatabaseLock databaseLock = DatabaseLock.hold(engine, target, "restore")) {
                report = restore(settings, request, catalog, entry, location, target, engine, manifest, before, notes, startNanos, decryption);
                if (created != null) {
                    created.keep();
                }
            } catch (DbBackupException e) {
                if (created != null && e.exitCode() == ExitCode.LOCK_HELD) {
                    created.keep(); // another run is restoring into the database this one created: it is that run's now
                    throw e;
                }
                throw created == null ? e : droppedAgain(created, e);
            } catch (RuntimeException | Error e) {
                if (created != null) {
                    created.drop();
                }
                throw e;
            }
            OperationObserver.tell(observers, o -> o.restored(settings, report));
            return report;
        } finally {
            FolderLock.release(lock);
        }
    }

    /** Creates the missing target (PostgreSQL); null when there is nothing to create (SQLite) or another run created it. */
    private static CreatedDatabase create(DatabaseEngine engine, DatabaseUrl target) {
        try {
            Optional<CreatedDatabase> created = engine.createDatabase(target);
            created.ifPresent(database -> LOG.infof("created %s for the restore", database.description()));
            return created.orElse(null);
        } catch (DatabaseCreationRefusedException e) {
            throw new DbBackupException(ExitCode.USAGE, e.getMessage(), "nothing was changed", e);
        } catch (EngineException e) {
            throw new DbBackupException(ExitCode.FAILURE, "cannot create the restore target " + target.redacted() + ": " + e.getMessage(),
                    "nothing was changed; check the server and the credentials", e);
        }
    }

    /**
     * The target was missing but another run created it before this one could: inspect it again. Empty, it is restored as
     * usual (while the other run restores into it, the database lock refuses this one); with tables, the other run got
     * there first and this one stops rather than replace what it just restored.
     */
    private static TargetState createdMeanwhile(DatabaseEngine engine, DatabaseUrl target, TargetState missing) {
        TargetState now = inspect(engine, target);
        if (!now.exists()) {
            return missing;
        }
        if (!now.isEmpty()) {
            throw new DbBackupException(ExitCode.TARGET_NOT_EMPTY, "the restore target " + now.description() + " was created by another run"
                    + " meanwhile and already holds " + now.tableCount() + " table(s); refusing to restore on top of them",
                    "nothing was changed; check what the other run restored, or run again with --clean to replace it");
        }
        LOG.infof("the restore target %s was created by another run meanwhile; restoring into it", target.redacted());
        return now;
    }

    /** The failure of a restore into a database it created, once that database is dropped again (or could not be). */
    private static DbBackupException droppedAgain(CreatedDatabase created, DbBackupException failure) {
        Optional<String> problem = created.drop();
        String rest = failure.hint() == null ? "" : failure.hint().replaceFirst("^(the target was not changed|nothing was changed)(; )?", "");
        String hint = problem.isEmpty()
                ? "the " + created.description() + ", created for this restore, was dropped again: nothing was left behind"
                : "the " + created.description() + " was created for this restore but could not be dropped again (" + problem.get()
                        + "); drop it by hand (dropdb)";
        return new DbBackupException(failure.exitCode(), failure.getMessage(), rest.isEmpty() ? hint : hint + "; " + rest, failure);
    }

    private RestoreReport restore(Settings settings, RestoreRequest request, BackupCatalog catalog, CatalogEntry entry, String location,
                                  DatabaseUrl target, DatabaseEngine engine, Optional<BackupManifest> manifest, TargetState before,
                                  List<String> notes, long startNanos, Decryption decryption) {
        String safety = before.isEmpty() ? null : protectCurrent(settings, request, engine, target, before, notes);
        LOG.infof("restoring %s into %s", location, target.redacted());
        RestoreExecution.Checked checked;
        String previous;
        try (RestoreSession session = engine.beginRestore(target, new RestoreOptions(request.clean(), true, request.trustFile()))) {
            checked = RestoreExecution.applyAndCheck(verifier, settings.clock().instant(), session, catalog, entry, location, decryption);
            if (!checked.passed()) {
                throw new DbBackupException(ExitCode.VERIFICATION_FAILED, "restore of " + location + " stopped: "
                        + checked.verified().failure().get(), "the target was not changed"
                        + (safety == null ? "" : "; a safety backup of it is at " + safety)
                        + "; pick another backup ('dbbackup list') or run 'dbbackup verify --all'"
                        + (decryption == Decryption.NONE ? "" : "; if the key is wrong, fix the key settings (docs/encryption.md)"));
            }
            previous = session.commit().previousContentKeptAt();
        } catch (DecryptionException e) {
            throw new DbBackupException(ExitCode.VERIFICATION_FAILED, "restore of " + location + " stopped: cannot decrypt: " + e.getMessage(),
                    "the target was not changed" + (safety == null ? "" : "; a safety backup of it is at " + safety), e);
        } catch (EngineException | IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "restore of " + location + " failed: " + e.getMessage(),
                    "the target was not changed" + (safety == null ? "" : "; a safety backup of it is at " + safety), e);
        }
        checked.notes().stream().filter(note -> !notes.contains(note)).forEach(notes::add);
        int tables = checked.tables();
        long rows = checked.rows();
        Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
        LOG.infof("restore finished: %d tables, %d rows in %.1f s", tables, rows, duration.toMillis() / 1000.0);
        return new RestoreReport(location, target.redacted(), false, before, tables, rows, duration, previous, safety, notes);
    }

    /**
     * What keeps the target's current content before it is replaced: a safety backup in BACKUP_DIR/pre-restore/; when the
     * target cannot be read or its safety backup fails, a byte-for-byte copy beside it (SQLite); when neither is possible,
     * a failure whose hint names --no-safety-backup. Returns where the content is kept, or null with --no-safety-backup.
     */
    private String protectCurrent(Settings settings, RestoreRequest request, DatabaseEngine engine, DatabaseUrl target, TargetState before,
                                  List<String> notes) {
        if (request.noSafetyBackup()) {
            LOG.warnf("--no-safety-backup: %s is replaced without a safety backup of its current content", target.redacted());
            notes.add("no safety backup was taken (--no-safety-backup)");
            return null;
        }
        String why;
        String suffix = DAMAGED_SUFFIX;
        DbBackupException failure = null;
        if (before.isUnreadable()) {
            why = "cannot be read (" + before.unreadable() + ")";
        } else {
            try {
                return backups.safetyBackup(settings, engine, target);
            } catch (DbBackupException e) {
                failure = e;
                why = "could not be dumped for a safety backup (" + e.getMessage().replaceFirst("^safety backup of the restore target .*? failed: ", "") + ")";
                suffix = String.valueOf(e.getMessage()).matches("(?is).*(malformed|not a database|corrupt).*") ? DAMAGED_SUFFIX : UNSAVED_SUFFIX;
            }
        }
        String kept = keepByteCopy(settings, engine, target, suffix, why, failure);
        notes.add("the previous " + target.database() + " " + why + "; it is kept byte-for-byte at " + kept);
        return kept;
    }

    private static String keepByteCopy(Settings settings, DatabaseEngine engine, DatabaseUrl target, String suffix, String why,
                                       DbBackupException safetyFailure) {
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")
                .format(java.time.LocalDateTime.ofInstant(settings.clock().instant(), settings.zone()));
        Optional<String> kept;
        String copyProblem = null;
        try {
            kept = engine.keepByteCopy(target, suffix + stamp);
        } catch (EngineException e) {
            kept = Optional.empty();
            copyProblem = e.getMessage();
        }
        if (kept.isEmpty()) {
            String message = safetyFailure != null ? safetyFailure.getMessage()
                    : "the restore target " + target.redacted() + " " + why + " and no copy of it could be kept";
            throw new DbBackupException(ExitCode.FAILURE, message + (copyProblem == null ? "" : "; keeping a copy failed too: " + copyProblem),
                    "nothing was restored; free space in BACKUP_DIR or fix the cause, then run the restore again; to replace the"
                            + " target without a safety backup (its current content is lost), add --no-safety-backup", safetyFailure);
        }
        LOG.warnf("the restore target %s %s; it is kept byte-for-byte at %s", target.redacted(), why, kept.get());
        return kept.get();
    }

    /**
     * A backup of another database never replaces a target implicitly: into a target that holds data it needs
     * --from-database naming the backup's database. Into a new or empty target (a recovery file, staging, a new machine)
     * it goes ahead with a note.
     */
    private static void requireSameDatabase(RestoreRequest request, String location, DatabaseUrl target, Optional<BackupManifest> manifest,
                                            TargetState before, List<String> notes) {
        DatabaseScope targetDatabase = ConfiguredDatabase.of(target);
        if (manifest.isEmpty() || manifest.get().database() == null || targetDatabase.owns(manifest.get())) {
            return;
        }
        BackupManifest m = manifest.get();
        String of = m.database() + (m.databaseId() == null ? "" : " (" + m.databaseId() + ")");
        String from = request.fromDatabase();
        if (from != null && !from.equals(m.database()) && !from.equals(m.databaseId())) {
            throw new DbBackupException(ExitCode.USAGE, "backup " + location + " is of database " + of + ", not of --from-database " + from,
                    "check the file, or give --from-database " + m.database() + "; nothing was changed");
        }
        if (from == null && before.exists() && !before.isEmpty()) {
            throw new DbBackupException(ExitCode.USAGE, "backup " + location + " is of database " + of + ", not of the restore target "
                    + target.database() + " (" + targetDatabase.id() + "); refusing to replace " + target.database()
                    + " with another database's data",
                    "check DATABASE_URL / --database-url; to restore it into " + target.database() + " all the same, add --from-database "
                            + m.database() + "; nothing was changed");
        }
        notes.add("the backup is of database " + of + ", restored into " + target.database() + " (" + targetDatabase.id() + ")");
    }

    private static final String DAMAGED_SUFFIX = ".corrupted-";
    private static final String UNSAVED_SUFFIX = ".pre-restore-";

    private static void refuse(String location, String why, Decryption decryption) {
        throw new DbBackupException(ExitCode.VERIFICATION_FAILED, "refusing to restore " + location + ": " + why,
                "nothing was changed; pick another backup ('dbbackup list') or run 'dbbackup verify --all'"
                        + (decryption == Decryption.NONE ? "" : "; if the key is wrong, fix the key settings (docs/encryption.md)"));
    }

    /** A backup or manifest another user owns (or every user may write) could be theirs: refused unless --force. */
    private static void refuseUntrusted(String location) {
        for (String file : List.of(location, location + ".json")) {
            java.util.Optional<String> why = dev.dbbackup.storage.local.PrivateFiles.untrustedBecause(java.nio.file.Path.of(file));
            if (why.isPresent()) {
                throw new DbBackupException(ExitCode.VERIFICATION_FAILED, "refusing to restore " + location + ": " + why.get(),
                        "check the file, then give it to this user or root (chown) and 'chmod o-w' it, or pass --force; nothing was changed");
            }
        }
    }

    private static int manifestTables(Optional<BackupManifest> manifest) {
        return manifest.map(m -> m.tables() == null ? 0 : m.tables().size()).orElse(0);
    }

    private static long manifestRows(Optional<BackupManifest> manifest) {
        return manifest.map(BackupManifest::totalRows).orElse(0L);
    }

    private static TargetState inspect(DatabaseEngine engine, DatabaseUrl target) {
        try {
            return engine.inspect(target);
        } catch (EngineException e) {
            throw new DbBackupException(ExitCode.FAILURE, "cannot inspect the restore target " + target.redacted() + ": " + e.getMessage(),
                    "check --database-url / DATABASE_URL; nothing was changed", e);
        }
    }

}
