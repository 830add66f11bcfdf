package dev.dbbackup.metrics;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.BackupType;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.config.Settings;
import dev.dbbackup.operation.BackupOperation;
import dev.dbbackup.operation.DbBackupException;
import dev.dbbackup.operation.ExitCode;
import dev.dbbackup.operation.OperationObserver;
import dev.dbbackup.operation.PruneOperation;
import dev.dbbackup.operation.RestoreOperation;
import dev.dbbackup.operation.OffsiteStores;
import dev.dbbackup.operation.VerifyOperation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * The dbbackup meters, one series per database (label {@code database}, from BACKUP_NAME). Times are Unix
 * seconds, as the seed's {@code backup_last_success} gauge. Served on /q/metrics in schedule mode and written
 * by one-shot runs with --metrics-file / --pushgateway (see {@link MetricsExport}).
 */
@ApplicationScoped
public class BackupMetrics implements OperationObserver {

    private static final Logger LOG = Logger.getLogger(BackupMetrics.class);

    /** Every meter name starts with this; one-shot exports keep only these. */
    public static final String PREFIX = "backup_";

    @Inject
    MeterRegistry registry;

    private final Map<String, DatabaseMeters> databases = new ConcurrentHashMap<>();

    /** Reads the store backups are written to (newest good backup, backups per type, bytes on disk) into the gauges. */
    public void refresh(Settings settings) {
        DatabaseMeters meters = meters(settings.name());
        BackupCatalog catalog = OffsiteStores.primary(settings);
        try {
            List<CatalogEntry> entries = catalog.entriesOf(dev.dbbackup.operation.ConfiguredDatabase.of(settings));
            meters.lastSuccess = BackupCatalog.latestGood(entries, settings.clock().instant()).map(e -> seconds(e.createdAt())).orElse(0.0);
            for (BackupType type : BackupType.values()) {
                meters.files.get(type).count = entries.stream().filter(e -> e.name().type() == type).count();
            }
            meters.storedOnDisk = entries.stream().mapToLong(CatalogEntry::size).sum();
        } catch (IOException e) {
            LOG.debugf("cannot read %s for the metrics: %s", catalog.store().describe(), e.getMessage());
        }
    }

    @Override
    public void backupSucceeded(Settings settings, Instant started, BackupOperation.BackupReport report) {
        DatabaseMeters meters = meters(settings.name());
        meters.lastAttempt = seconds(started);
        meters.lastAttemptSuccess = 1;
        meters.lastDuration = report.duration().toMillis() / 1000.0;
        meters.lastStoredBytes = report.storedBytes();
        meters.lastPlainBytes = report.plainBytes();
        meters.lastRows = report.rows();
        meters.lastTables = report.tables();
        meters.attempts("success").increment();
        meters.retentionDeleted.increment(report.deleted().size());
        refresh(settings);
    }

    @Override
    public void backupFailed(Settings settings, Instant started, Duration duration, RuntimeException failure) {
        DatabaseMeters meters = meters(settings.name());
        if (failure instanceof DbBackupException e && e.exitCode() == ExitCode.LOCK_HELD) {
            meters.attempts("skipped").increment();
            return;
        }
        meters.lastAttempt = seconds(started);
        meters.lastAttemptSuccess = 0;
        meters.lastDuration = duration.toMillis() / 1000.0;
        meters.attempts("failure").increment();
        refresh(settings);
    }

    @Override
    public void pruned(Settings settings, PruneOperation.PruneReport report) {
        meters(settings.name()).retentionDeleted.increment(report.deleted().size());
        refresh(settings);
    }

    @Override
    public void verified(Settings settings, VerifyOperation.VerificationResult result) {
        DatabaseMeters meters = meters(settings.name());
        meters.lastVerification = seconds(settings.clock().instant());
        meters.lastVerificationSuccess = result.passed() ? 1 : 0;
        meters.verifications(result.passed() ? "passed" : "failed").increment();
        refresh(settings);
    }

    @Override
    public void testRestored(Settings settings, VerifyOperation.VerificationResult result, Duration duration) {
        verified(settings, result);
        meters(settings.name()).lastTestRestoreDuration = duration.toMillis() / 1000.0;
    }

    @Override
    public void restored(Settings settings, RestoreOperation.RestoreReport report) {
        DatabaseMeters meters = meters(settings.name());
        meters.lastRestoreDuration = report.duration().toMillis() / 1000.0;
        meters.restores.increment();
    }

    private DatabaseMeters meters(String database) {
        return databases.computeIfAbsent(database, name -> new DatabaseMeters(registry, name));
    }

    private static double seconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }

    /** The state behind one database's gauges; gauges read these fields when scraped. */
    private static final class DatabaseMeters {
        private final MeterRegistry registry;
        private final String database;
        private final Map<BackupType, FileCount> files = new ConcurrentHashMap<>();
        private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
        private final Map<String, Counter> verifications = new ConcurrentHashMap<>();
        private final Counter retentionDeleted;
        private final Counter restores;
        volatile double lastSuccess;
        volatile double lastAttempt = Double.NaN;
        volatile double lastAttemptSuccess = Double.NaN;
        volatile double lastDuration = Double.NaN;
        volatile double lastStoredBytes = Double.NaN;
        volatile double lastPlainBytes = Double.NaN;
        volatile double lastRows = Double.NaN;
        volatile double lastTables = Double.NaN;
        volatile double storedOnDisk;
        volatile double lastVerification = Double.NaN;
        volatile double lastVerificationSuccess = Double.NaN;
        volatile double lastRestoreDuration = Double.NaN;
        volatile double lastTestRestoreDuration = Double.NaN;

        DatabaseMeters(MeterRegistry registry, String database) {
            this.registry = registry;
            this.database = database;
            gauge("backup.last.success", null, "Unix time of the newest good backup (0: none)", m -> m.lastSuccess);
            gauge("backup.last.attempt", null, "Unix time the last backup attempt started", m -> m.lastAttempt);
            gauge("backup.last.attempt.success", null, "1 when the last backup attempt succeeded, 0 when it failed",
                    m -> m.lastAttemptSuccess);
            gauge("backup.last.duration", "seconds", "Duration of the last backup attempt", m -> m.lastDuration);
            gauge("backup.last.stored", "bytes", "Size of the last backup file (compressed)", m -> m.lastStoredBytes);
            gauge("backup.last.plain", "bytes", "Size of the last backup's plain SQL", m -> m.lastPlainBytes);
            gauge("backup.last.rows", null, "Rows in the last backup", m -> m.lastRows);
            gauge("backup.last.tables", null, "Tables in the last backup", m -> m.lastTables);
            gauge("backup.stored", "bytes", "Bytes of all backups in the backup folder", m -> m.storedOnDisk);
            gauge("backup.last.verification", null, "Unix time of the last verification", m -> m.lastVerification);
            gauge("backup.last.verification.success", null, "1 when the last verification passed, 0 when it failed",
                    m -> m.lastVerificationSuccess);
            gauge("backup.last.restore.duration", "seconds", "Duration of the last restore", m -> m.lastRestoreDuration);
            gauge("backup.last.test.restore.duration", "seconds", "Duration of the last test-restore into a scratch target",
                    m -> m.lastTestRestoreDuration);
            for (BackupType type : BackupType.values()) {
                FileCount count = new FileCount();
                files.put(type, count);
                Gauge.builder("backup.files", count, c -> c.count).description("Backups in the backup folder, per type")
                        .tags("database", database, "type", type.word()).register(registry);
            }
            retentionDeleted = Counter.builder("backup.retention.deleted").description("Backups deleted by retention")
                    .tags("database", database).register(registry);
            restores = Counter.builder("backup.restores").description("Restores completed")
                    .tags("database", database).register(registry);
        }

        private void gauge(String name, String unit, String description, ToDoubleFunction<DatabaseMeters> value) {
            Gauge.builder(name, this, value).baseUnit(unit).description(description).tags("database", database).register(registry);
        }

        Counter attempts(String outcome) {
            return attempts.computeIfAbsent(outcome, o -> Counter.builder("backup.attempts")
                    .description("Backup attempts by outcome (success, failure, skipped)")
                    .tags("database", database, "outcome", o).register(registry));
        }

        Counter verifications(String result) {
            return verifications.computeIfAbsent(result, r -> Counter.builder("backup.verifications")
                    .description("Verifications by result (passed, failed)")
                    .tags("database", database, "result", r).register(registry));
        }
    }

    private static final class FileCount {
        volatile double count;
    }
}
