package dev.dbbackup.cli;

import dev.dbbackup.catalog.BackupType;
import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.Settings;
import dev.dbbackup.engine.DumpProgress;
import dev.dbbackup.operation.BackupOperation;
import dev.dbbackup.operation.ExitCode;
import dev.dbbackup.operation.PruneOperation;
import dev.dbbackup.operation.alert.AlertSettings;
import dev.dbbackup.operation.alert.Alerts;
import dev.dbbackup.metrics.MetricsExport;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up the database into BACKUP_DIR/{daily,weekly,monthly}/, then apply retention.",
        footer = {"", "Examples:",
                "  dbbackup backup                          # type from the date: 1st → monthly, Sunday → weekly, else daily",
                "  dbbackup backup --type weekly --backup-dir /mnt/backups",
                "  DATABASE_URL=postgresql://app@db:5432/app dbbackup backup --retention-days 3",
                "  dbbackup backup --dry-run                # print what would be written and deleted",
                "  dbbackup backup --no-owner --no-privileges --jobs 4   # managed PostgreSQL, four connections",
                "  BACKUP_OFFSITE_URL=s3://my-bucket/app dbbackup backup --offsite only   # see docs/offsite.md",
                "  BACKUP_ENCRYPTION_PASSPHRASE_FILE=/run/secrets/backup_pass dbbackup backup   # → .sql.gz.gpg",
                "  dbbackup backup --encryption-public-key /etc/dbbackup/ops.asc   # only the secret key's holder can read it"})
public class BackupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    RetentionOptions retention;

    @Mixin
    DumpFlags dump;

    @Mixin
    EncryptOptions encryption;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "auto",
            description = "auto, daily, weekly or monthly (default auto).")
    String type;

    @Option(names = "--dry-run", description = "Print what would be written and deleted; change nothing.")
    boolean dryRun;

    @Option(names = "--offsite", paramLabel = "MODE",
            description = "copy: write locally, then copy to BACKUP_OFFSITE_URL (the default when it is set); only: write straight"
                    + " to the offsite store; off (env BACKUP_OFFSITE_MODE).")
    String offsite;

    @Mixin
    MetricsOptions metrics;

    @Inject
    BackupOperation backup;

    @Inject
    MetricsExport metricsExport;

    @Inject
    Alerts alerts;

    @Override
    public Integer call() {
        Optional<BackupType> requested = parseType(type);
        java.util.Map<String, String> flags = new java.util.HashMap<>(retention.flags());
        CommonOptions.putIfSet(flags, dev.dbbackup.config.OffsiteSettingsResolver.MODE, offsite);
        flags.putAll(encryption.flags());
        Settings settings = common.settings(flags);
        AlertSettings alerting = dryRun ? AlertSettings.none() : AlertSettings.resolve(common.sources());
        BackupOperation.BackupReport report;
        try {
            report = backup.run(settings, requested, dump.options(DumpProgress.NONE), dryRun);
        } catch (RuntimeException e) {
            alerts.backupFailed(alerting, settings, e, 1);
            throw e;
        } finally {
            if (!dryRun) {
                metrics.export(settings, common.sources(), metricsExport);
            }
        }
        alerts.backupSucceeded(alerting, settings, report);
        PrintWriter out = spec.commandLine().getOut();
        if (report.dryRun()) {
            out.println("dry run: would write " + report.path() + " (type " + report.type().word() + ")");
            for (PruneOperation.PruneItem item : report.retention()) {
                out.println("dry run: would " + (item.decision().keep() ? "keep   " : "delete ") + item.entry().key()
                        + "  (" + String.join("; ", item.decision().reasons()) + ")");
            }
            if (report.offsite() != null) {
                out.println("dry run: would copy it offsite to " + report.offsite().location());
            }
            out.flush();
            return ExitCode.OK.code();
        }
        out.println("backup written: " + report.path());
        out.println("  type " + report.type().word() + ", " + report.tables() + " tables, " + report.rows() + " rows, "
                + Format.bytes(report.plainBytes()) + " SQL → " + Format.bytes(report.storedBytes()) + " stored, "
                + Format.seconds(report.duration()));
        long kept = report.retention().stream().filter(i -> i.decision().keep()).count();
        out.println("retention: kept " + kept + ", deleted " + report.deleted().size());
        for (String deleted : report.deleted()) {
            out.println("  deleted " + deleted);
        }
        if (report.offsite() != null && report.offsite().error() == null) {
            out.println("offsite copy: " + report.offsite().location());
            long keptOffsite = report.offsite().retention().stream().filter(i -> i.decision().keep()).count();
            out.println("offsite retention: kept " + keptOffsite + ", deleted " + report.offsite().deleted().size());
            for (String deleted : report.offsite().deleted()) {
                out.println("  deleted offsite " + deleted);
            }
        }
        out.flush();
        if (report.offsite() != null && report.offsite().error() != null) {
            spec.commandLine().getErr().println("error: the backup was written locally but the offsite copy failed: "
                    + dev.dbbackup.engine.DatabaseUrl.redact(report.offsite().error()));
            spec.commandLine().getErr().println("hint: the local backup " + report.path() + " is kept; fix the BACKUP_OFFSITE_* settings,"
                    + " then run 'dbbackup sync' to copy it");
            spec.commandLine().getErr().flush();
            return ExitCode.FAILURE.code();
        }
        if (report.retentionError() != null) {
            spec.commandLine().getErr().println("error: the backup succeeded but retention failed: " + report.retentionError());
            spec.commandLine().getErr().flush();
            return ExitCode.FAILURE.code();
        }
        return ExitCode.OK.code();
    }

    static Optional<BackupType> parseType(String type) {
        String value = type.toLowerCase(Locale.ROOT);
        switch (value) {
            case "auto":
                return Optional.empty();
            case "daily":
            case "weekly":
            case "monthly":
                return Optional.of(BackupType.fromWord(value));
            default:
                throw new ConfigException("--type '" + type + "' is not a backup type", "use auto, daily, weekly or monthly");
        }
    }
}
