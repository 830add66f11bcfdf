package dev.dbbackup.cli;

import dev.dbbackup.catalog.ManifestCodec;
import dev.dbbackup.config.Settings;
import dev.dbbackup.operation.ExitCode;
import dev.dbbackup.operation.SyncOperation;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Copy every local backup that is missing offsite, with its manifest, to BACKUP_OFFSITE_URL, checking each"
                + " against its manifest's SHA-256; then apply the offsite retention (BACKUP_OFFSITE_RETENTION_*).",
                "Backups the offsite retention would delete anyway are not copied. Running it again changes nothing."},
        footer = {"", "Examples:",
                "  dbbackup sync --dry-run",
                "  BACKUP_OFFSITE_URL=s3://my-bucket/app BACKUP_OFFSITE_ENDPOINT=http://minio:9000 dbbackup sync",
                "", "See docs/offsite.md for the settings and the disaster-recovery runbook."})
public class SyncCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--dry-run", description = "Print what would be copied and deleted; change nothing.")
    boolean dryRun;

    @Mixin
    OutputFormat format;

    @Inject
    SyncOperation sync;

    @Override
    public Integer call() {
        format.check();
        Settings settings = common.settings();
        SyncOperation.SyncReport report = sync.run(settings, dryRun);
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            out.println(ManifestCodec.toJson(report));
        } else {
            String prefix = dryRun ? "dry run: " : "";
            for (SyncOperation.SyncItem item : report.items()) {
                out.println(prefix + String.format("%-15s %s", item.action(), item.key())
                        + (item.bytes() > 0 && !item.action().equals("offsite") ? " (" + Format.bytes(item.bytes()) + ")" : "")
                        + (item.action().equals("skipped") || item.action().equals("failed") ? ": " + item.detail() : ""));
            }
            for (String key : report.wouldDeleteOffsite()) {
                out.println(prefix + String.format("%-15s %s", "would delete", key) + " (offsite retention)");
            }
            for (String key : report.deletedOffsite()) {
                out.println(String.format("%-15s %s", "deleted", key) + " (offsite retention)");
            }
            out.println(prefix + "sync to " + report.target() + ": " + count(report, dryRun ? "would push" : "pushed") + " pushed, "
                    + count(report, "offsite") + " already offsite, " + count(report, "manifest added") + " manifest(s) added, "
                    + count(report, "skipped") + " skipped, " + report.failures() + " failed; offsite retention "
                    + (dryRun ? "would delete " + report.wouldDeleteOffsite().size() : "deleted " + report.deletedOffsite().size()));
        }
        out.flush();
        if (report.retentionNote() != null || report.failures() > 0) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + report.failures() + " backup(s) could not be copied offsite"
                    + (report.retentionNote() == null ? "" : "; " + report.retentionNote()));
            err.println("hint: the messages above name each backup and the cause; fix it and run 'dbbackup sync' again");
            err.flush();
            return ExitCode.FAILURE.code();
        }
        return ExitCode.OK.code();
    }

    private static long count(SyncOperation.SyncReport report, String action) {
        return report.items().stream().filter(i -> i.action().equals(action)).count();
    }
}
