package dev.dbbackup.cli;

import dev.dbbackup.config.Settings;
import dev.dbbackup.operation.ExitCode;
import dev.dbbackup.operation.RestoreOperation;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a backup into the database (DATABASE_URL or --database-url).",
                "The backup is validated first (checksum, decompression, end marker); a target that holds tables is refused"
                        + " unless --clean; the restore is invisible until it passed its integrity check and row counts; the"
                        + " previous SQLite file is kept as <name>.bak. A target that does not exist is created (a PostgreSQL"
                        + " database needs a role with CREATEDB) and dropped again if the restore fails."},
        footer = {"", "Examples:",
                "  dbbackup restore latest --dry-run",
                "  dbbackup restore backups/daily/backup_daily_20251103_020000.sql.gz --database-url sqlite:///./recovery.db --yes",
                "  dbbackup restore latest --clean --yes      # replace the current database (safety backup first)",
                "  dbbackup restore latest --store offsite --database-url sqlite:///./app.db --yes   # after losing the server",
                "  dbbackup restore s3://my-bucket/app/daily/backup_daily_20251103_020000.sql.gz --yes",
                "  BACKUP_DECRYPTION_PASSPHRASE_FILE=key.pass dbbackup restore latest --decryption-key backup-key.asc --yes"})
public class RestoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DecryptOptions decryption;

    @Parameters(index = "0", paramLabel = "FILE|URL|latest",
            description = "A backup file, an s3://bucket/prefix/… URL, or 'latest' for the newest good backup in BACKUP_DIR (or offsite with --store offsite).")
    String backup;

    @Mixin
    StoreOption store;

    @Option(names = "--dry-run", description = "Validate and check the target; write nothing.")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--clean", description = "Replace a target that already holds tables.")
    boolean clean;

    @Option(names = "--trust-file", description = "Run statements no dump contains (COPY ... PROGRAM, ALTER SYSTEM, roles, DO,"
            + " CALL, SELECTs of other functions) instead of refusing the file; only for files you trust (docs/security.md).")
    boolean trustFile;

    @Option(names = "--force", description = "Restore even a backup file that other users could have written to.")
    boolean force;

    @Option(names = "--no-safety-backup", description = "With --clean: replace the target without a safety backup of its current"
            + " content (when that backup cannot be taken, e.g. the target cannot be dumped); a warning says so.")
    boolean noSafetyBackup;

    @Option(names = "--from-database", paramLabel = "DATABASE", description = "The database the backup is of, when it is not the"
            + " target (its name or identity, as 'dbbackup list' shows it): 'latest' is that database's newest backup, and a"
            + " target that holds data may be replaced with it.")
    String fromDatabase;

    @Inject
    RestoreOperation restore;

    @Override
    public Integer call() {
        Settings settings = common.settings(decryption.flags());
        RestoreOperation.RestoreReport report = restore.run(settings,
                new RestoreOperation.RestoreRequest(backup, dryRun, yes, clean, force, store.choice(), noSafetyBackup, fromDatabase, trustFile),
                new TerminalConfirmation());
        PrintWriter out = spec.commandLine().getOut();
        if (report.dryRun()) {
            out.println("dry run: " + report.backupLocation() + " passed validation");
            out.println("dry run: would restore " + report.tables() + " tables, " + report.rows() + " rows into "
                    + report.targetBefore().description());
            if (report.targetBefore().isUnreadable()) {
                out.println("dry run: the target cannot be read; would keep it byte-for-byte beside it, then replace it");
            } else if (!report.targetBefore().isEmpty() && !noSafetyBackup) {
                out.println("dry run: would take a safety backup first and keep the current database");
            }
        } else {
            out.println("restored " + report.backupLocation() + " into " + report.target());
            out.println("  " + report.tables() + " tables, " + report.rows() + " rows, " + Format.seconds(report.duration()));
            if (report.previousKeptAt() != null) {
                out.println("  previous database kept at " + report.previousKeptAt());
            }
            if (report.safetyBackup() != null) {
                out.println("  safety backup of the previous database: " + report.safetyBackup());
            }
        }
        for (String note : report.notes()) {
            out.println("  note: " + note);
        }
        out.flush();
        return ExitCode.OK.code();
    }
}
