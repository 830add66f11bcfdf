package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.BackupManifest;
import dev.dbbackup.catalog.BackupName;
import dev.dbbackup.catalog.BackupType;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.OffsiteSettings;
import dev.dbbackup.config.Settings;
import dev.dbbackup.engine.DatabaseEngine;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpProgress;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.TargetState;
import dev.dbbackup.pipeline.Compression;
import dev.dbbackup.pipeline.DumpWriter;
import dev.dbbackup.pipeline.SpillArea;
import dev.dbbackup.pipeline.ProgressDisplay;
import dev.dbbackup.pipeline.TransferMeter;
import dev.dbbackup.pipeline.crypto.Encryption;
import dev.dbbackup.retention.RetentionPolicy;
import dev.dbbackup.storage.BackupStore;
import dev.dbbackup.storage.local.DirectoryLock;
import dev.dbbackup.storage.local.LocalBackupStore;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/** Makes one backup: dump → pipeline → atomic file → manifest, then applies retention. */
@ApplicationScoped
public class BackupOperation {

    private static final Logger LOG = Logger.getLogger(BackupOperation.class);
    private static final int MAX_SAME_SECOND = 1000;

    @Inject
    EngineRegistry engines;

    @Inject
    PruneOperation prune;

    @Inject
    OffsiteCopy offsiteCopy;

    @Inject
    @All
    List<OperationObserver> observers;

    /**
     * What a backup did, or (dry run) would do.
     *
     * @param offsite the offsite copy of {@code --offsite copy}; null when there was none
     */
    public record BackupReport(String key, String path, BackupType type, boolean dryRun, long plainBytes, long storedBytes,
                               int tables, long rows, Duration duration, List<PruneOperation.PruneItem> retention,
                               List<String> deleted, String retentionError, OffsiteCopy.Result offsite) {

        BackupReport withOffsite(OffsiteCopy.Result result) {
            return new BackupReport(key, path, type, dryRun, plainBytes, storedBytes, tables, rows, duration, retention, deleted,
                    retentionError, result);
        }
    }

    /** One backup into BACKUP_DIR/{type}/; {@code requestedType} empty means auto. */
    public BackupReport run(Settings settings, Optional<BackupType> requestedType, DumpOptions options, boolean dryRun) {
        return run(settings, requestedType, options, dryRun, () -> false);
    }

    /** As above; once {@code abort} turns true the dump fails at its next write and leaves no file (scheduler shutdown). */
    public BackupReport run(Settings settings, Optional<BackupType> requestedType, DumpOptions options, boolean dryRun,
                            BooleanSupplier abort) {
        Instant started = settings.clock().instant();
        BackupType type = requestedType.orElseGet(() -> BackupType.auto(LocalDate.ofInstant(started, settings.zone())));
        if (dryRun) {
            return run(settings, type, started, options, true, abort);
        }
        long startNanos = System.nanoTime();
        try {
            BackupReport report = run(settings, type, started, options, false, abort);
            OperationObserver.tell(observers, o -> o.backupSucceeded(settings, started, report));
            return report;
        } catch (RuntimeException e) {
            Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
            OperationObserver.tell(observers, o -> o.backupFailed(settings, started, duration, e));
            throw e;
        }
    }

    private BackupReport run(Settings settings, BackupType type, Instant started, DumpOptions options, boolean dryRun,
                             BooleanSupplier abort) {
        DatabaseUrl source = settings.databaseUrl();
        DatabaseEngine engine = engines.forUrl(source);
        requireSource(engine, source);
        Compression compression = settings.compression();
        Encryption encryption = EncryptionKeys.forBackup(settings);
        BackupName name = BackupName.of(type, started, settings.zone(), 0, ".sql" + compression.suffix() + encryption.suffix());

        OffsiteSettings.Mode offsiteMode = settings.offsite().mode();
        if (dryRun) {
            BackupStore store = offsiteMode == OffsiteSettings.Mode.ONLY ? OffsiteStores.store(settings) : Stores.local(settings);
            RetentionPolicy policy = offsiteMode == OffsiteSettings.Mode.ONLY ? settings.offsite().retention() : settings.retention();
            BackupCatalog catalog = new BackupCatalog(store, settings.zone());
            List<CatalogEntry> entries = new ArrayList<>(entriesOrEmpty(catalog, ConfiguredDatabase.of(settings)));
            entries.add(0, plannedEntry(name, started));
            List<PruneOperation.PruneItem> plan = prune.plan(entries, catalog, policy, started);
            OffsiteCopy.Result offsite = offsiteMode == OffsiteSettings.Mode.COPY
                    ? new OffsiteCopy.Result(OffsiteStores.store(settings).locate(name.key()), null, List.of(), List.of(), null) : null;
            return new BackupReport(name.key(), store.locate(name.key()), type, true, 0, 0, 0, 0, Duration.ZERO, plan, List.of(), null,
                    offsite);
        }

        LocalBackupStore local = Stores.writableLocal(settings);
        DirectoryLock lock = FolderLock.hold(settings, "backup " + type.word());
        try (DatabaseLock databaseLock = DatabaseLock.hold(engine, source, "backup")) {
            if (offsiteMode == OffsiteSettings.Mode.ONLY) {
                return write(settings, engine, source, options, OffsiteStores.store(settings), settings.offsite().retention(), name, type,
                        started, compression, encryption, abort);
            }
            BackupReport report = write(settings, engine, source, options, local, settings.retention(), name, type, started, compression,
                    encryption, abort);
            if (offsiteMode == OffsiteSettings.Mode.COPY) {
                report = report.withOffsite(offsiteCopy.afterBackup(settings, new BackupCatalog(local, settings.zone()), report.key()));
            }
            return report;
        } finally {
            FolderLock.release(lock);
        }
    }

    private BackupReport write(Settings settings, DatabaseEngine engine, DatabaseUrl source, DumpOptions options, BackupStore store,
                               RetentionPolicy retention, BackupName name, BackupType type, Instant started, Compression compression,
                               Encryption encryption, BooleanSupplier abort) {
        BackupCatalog catalog = new BackupCatalog(store, settings.zone());
        if (store instanceof LocalBackupStore localStore) {
            try {
                int stale = localStore.removeStaleTemporaries();
                if (stale > 0) {
                    LOG.infof("removed %d temporary file(s) left by an interrupted run", stale);
                }
            } catch (IOException e) {
                LOG.warnf("could not clean temporary files in %s: %s", localStore.root(), e.getMessage());
            }
        } else {
            requireReachable(store, name);
            OffsiteStores.removeStaleUploads(settings, store);
        }

        LOG.infof("backup started: %s database %s → %s", engine.name(), source.database(), store.locate(name.key()));
        long startNanos = System.nanoTime();
        DumpWriter.Written written;
        String key;
        try (BackupStore.PendingObject pending = store.create(name.key())) {
            TransferMeter meter = new TransferMeter();
            DumpOptions metered = withReadAhead(withMeter(options, meter), store);
            if (ProgressDisplay.current().enabled()) {
                expectLikeLastTime(catalog, source, meter);
            }
            written = DumpWriter.write(new AbortableOutputStream(pending.output(), abort), compression, encryption,
                    plain -> engine.dump(source, metered, plain), meter);
            key = commitUnique(pending, name);
        } catch (EngineException | IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "backup of " + source.database() + " failed: " + e.getMessage(),
                    "no backup file was written and earlier backups are untouched; fix the cause and run it again", e);
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
        Instant finished = started.plus(duration);
        BackupManifest manifest = manifest(settings, engine, type, key, written, started, finished, encryption);
        try {
            catalog.saveManifest(key, manifest);
        } catch (IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "backup " + store.locate(key) + " was written but its manifest could not be: " + e.getMessage(),
                    "the file has no manifest and is not counted as a good backup; free space or fix permissions and run again", e);
        }
        LOG.infof("backup written: %s (%d bytes, %d tables, %d rows%s)", store.locate(key), written.storedBytes(),
                written.dump().tableRows().size(), manifest.totalRows(), encryption.mode().map(m -> ", encrypted: " + m.word()).orElse(""));

        List<PruneOperation.PruneItem> plan = List.of();
        List<String> deleted = List.of();
        String retentionError = null;
        try {
            plan = prune.plan(catalog, ConfiguredDatabase.of(settings), retention, settings.clock().instant());
            deleted = prune.apply(catalog, plan, false).deleted();
        } catch (IOException | DbBackupException e) {
            retentionError = e.getMessage();
            LOG.errorf("retention failed after a good backup: %s", e.getMessage());
        }
        return new BackupReport(key, store.locate(key), type, false, written.plainBytes(), written.storedBytes(),
                written.dump().tableRows().size(), manifest.totalRows(), duration, plan, deleted, retentionError, null);
    }

    /** Before dumping straight into an offsite store: fail at once on wrong credentials or a missing bucket. */
    private static void requireReachable(BackupStore store, BackupName name) {
        try {
            store.list(name.type().word() + "/");
        } catch (IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "cannot use the offsite store " + store.describe() + ": " + e.getMessage(),
                    "no backup was written; fix the BACKUP_OFFSITE_* settings and run it again");
        }
    }

    /** A backup of a restore target taken just before it is replaced, kept in BACKUP_DIR/pre-restore/. */
    public String safetyBackup(Settings settings, DatabaseEngine engine, DatabaseUrl target) {
        LocalBackupStore store = Stores.writableLocal(settings);
        Instant started = settings.clock().instant();
        long startNanos = System.nanoTime();
        String stamp = BackupName.of(BackupType.DAILY, started, settings.zone(), 0, "").localTime()
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"));
        String base = "pre-restore/pre-restore_" + sanitize(target.database()) + "_" + stamp;
        Encryption encryption = EncryptionKeys.forBackup(settings);
        try (BackupStore.PendingObject pending = store.create()) {
            DumpWriter.Written written = DumpWriter.write(pending.output(), settings.compression(), encryption,
                    plain -> engine.dump(target, DumpOptions.defaults(), plain));
            String key = null;
            for (int i = 0; key == null && i < MAX_SAME_SECOND; i++) {
                String candidate = base + (i == 0 ? "" : "_" + i) + ".sql" + settings.compression().suffix() + encryption.suffix();
                try {
                    pending.commit(candidate);
                    key = candidate;
                } catch (FileAlreadyExistsException e) {
                    // next sequence number
                }
            }
            if (key == null) {
                throw new IOException("too many safety backups in one second");
            }
            BackupManifest manifest = manifest(settings, engine, null, key, written, started,
                    started.plusNanos(System.nanoTime() - startNanos), encryption);
            store.writeSmall(key + ".json", dev.dbbackup.catalog.ManifestCodec.write(manifest));
            LOG.infof("safety backup of the current %s written to %s", target.database(), store.locate(key));
            return store.locate(key);
        } catch (EngineException | IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "safety backup of the restore target " + target.database() + " failed: " + e.getMessage(),
                    "nothing was restored; free space in BACKUP_DIR or fix the target, then run the restore again", e);
        }
    }

    /**
     * --jobs may read ahead on disk: next to the backups, where the operator made room, rather than in a small /tmp
     * (there only when the backups go offsite alone).
     */
    private static DumpOptions withReadAhead(DumpOptions options, BackupStore store) {
        if (options.jobs() < 2 || options.readAhead() != null) {
            return options;
        }
        Path directory = store instanceof LocalBackupStore local ? local.root() : Path.of(System.getProperty("java.io.tmpdir"));
        SpillArea area = SpillArea.create(directory);
        if (area == null) {
            LOG.debugf("--jobs: no room to read ahead on disk in %s; the connections wait for the writer", directory);
            return options;
        }
        return options.withReadAhead(area);
    }

    /** The engine's per-table progress also feeds the progress display. */
    private static DumpOptions withMeter(DumpOptions options, TransferMeter meter) {
        DumpProgress forward = options.progress();
        return options.withProgress((table, rows) -> {
            forward.tableDone(table, rows);
            meter.tableDone(table, rows);
        });
    }

    /** The previous backup of the same database tells the display roughly how much to expect (for an ETA). */
    private static void expectLikeLastTime(BackupCatalog catalog, DatabaseUrl source, TransferMeter meter) {
        try {
            for (CatalogEntry entry : catalog.entries()) {
                Optional<BackupManifest> previous = entry.manifest();
                if (previous.isPresent() && source.redacted().equals(previous.get().source()) && previous.get().plain() != null) {
                    BackupManifest m = previous.get();
                    meter.expect(m.plain().bytes(), -1, m.tables() == null ? -1 : m.tables().size(), m.totalRows());
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no estimate: the display shows no ETA
        }
    }

    private static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void requireSource(DatabaseEngine engine, DatabaseUrl source) {
        TargetState state;
        try {
            state = engine.inspect(source);
        } catch (EngineException e) {
            throw new DatabaseUnreachableException("cannot reach the database " + source.redacted() + ": " + e.getMessage(),
                    "check DATABASE_URL, the server and the credentials; no backup was written", e);
        }
        if (!state.exists()) {
            throw new ConfigException("DATABASE_URL " + source.redacted() + " names a database that does not exist",
                    "set --database-url or DATABASE_URL to the database to back up");
        }
        if (state.isUnreadable()) {
            throw new DbBackupException(ExitCode.FAILURE, "the database " + source.redacted() + " cannot be read: " + state.unreadable(),
                    "it is damaged; no backup was written and earlier backups are untouched; recover it with 'dbbackup restore latest"
                            + " --clean --yes' (the damaged file is kept beside it)");
        }
    }

    private static List<CatalogEntry> entriesOrEmpty(BackupCatalog catalog, dev.dbbackup.catalog.DatabaseScope database) {
        try {
            return catalog.entriesOf(database);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** For the dry-run plan, the backup about to be written counts as valid, as it will be. */
    private static CatalogEntry plannedEntry(BackupName name, Instant time) {
        BackupManifest placeholder = new BackupManifest(BackupManifest.FORMAT_VERSION, null, null, null, null, null,
                name.type().word(), name.fileName(), null, null, 0, null, new BackupManifest.Sizes(0, ""), null, null, null, 0, null, null);
        return new CatalogEntry(name.key(), name, time, 0, Optional.of(placeholder), Optional.empty());
    }

    private static String commitUnique(BackupStore.PendingObject pending, BackupName name) throws IOException {
        for (int sequence = 0; sequence < MAX_SAME_SECOND; sequence++) {
            BackupName candidate = name.withSequence(sequence);
            try {
                pending.commit(candidate.key());
                return candidate.key();
            } catch (FileAlreadyExistsException e) {
                // another backup took this name in the same second: try the next sequence number
            }
        }
        throw new IOException("more than " + MAX_SAME_SECOND + " backups named " + name.fileName() + " in one second");
    }

    private static BackupManifest manifest(Settings settings, DatabaseEngine engine, BackupType type, String key,
                                           DumpWriter.Written written, Instant started, Instant finished, Encryption encryption) {
        long totalRows = written.dump().tableRows().values().stream().mapToLong(Long::longValue).sum();
        return new BackupManifest(
                BackupManifest.FORMAT_VERSION,
                "dbbackup " + ToolVersion.VERSION,
                engine.name(),
                written.dump().serverVersion(),
                written.dump().databaseName(),
                settings.databaseUrl().redacted(),
                type == null ? "pre-restore" : type.word(),
                key.substring(key.lastIndexOf('/') + 1),
                started.toString(),
                finished.toString(),
                Duration.between(started, finished).toMillis() / 1000.0,
                new BackupManifest.Sizes(written.plainBytes(), written.plainSha256()),
                new BackupManifest.Sizes(written.storedBytes(), written.storedSha256()),
                settings.compression().toString(),
                EncryptionKeys.describe(encryption),
                new java.util.TreeMap<>(written.dump().tableRows()),
                totalRows,
                null,
                null,
                settings.databaseUrl().identity());
    }
}
